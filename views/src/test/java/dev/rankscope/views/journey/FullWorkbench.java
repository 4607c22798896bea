package dev.rankscope.views.journey;

import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.views.budget.BudgetView;
import dev.rankscope.views.budget.EngineBudgetServices;
import dev.rankscope.views.compare.CompareView;
import dev.rankscope.views.compare.EngineCompareServices;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.learn.LearnView;
import dev.rankscope.views.learn.LearnViewModel;
import dev.rankscope.views.series.SeriesView;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.subspaces.SubspacesView;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.stage.Stage;
import org.testfx.api.FxRobot;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Path;
import java.util.Locale;

import static dev.rankscope.views.testing.Journeys.waitUntil;

/**
 * The main window wired as the app wires it (Budget, Compare, Learn, Subspaces and Series tabs, the report's plan and
 * intruder sources, the Learn theme) over the real engine with the pure-Java backend and one
 * analysis thread, shown at 1280×800. For journeys; FX thread for construction.
 */
final class FullWorkbench {
    final Stage stage;
    final WorkbenchViewModel vm;
    final WorkbenchView view;
    final BudgetView budget;
    final CompareView compare;
    final LearnView learn;
    final LearnViewModel learnVm;

    FullWorkbench(Stage stage, DialogService dialogs) {
        this.stage = stage;
        vm = new WorkbenchViewModel(new EngineWorkbenchServices(OjAlgoBackend::new, 1), dialogs,
                new InMemorySettingsStore(), WorkbenchExecutors.standard());
        view = new WorkbenchView(vm);
        budget = BudgetView.create(vm, new EngineBudgetServices(OjAlgoBackend::new));
        view.addTab(budget);
        compare = CompareView.install(view, vm, new EngineCompareServices(OjAlgoBackend::new));
        learnVm = LearnViewModel.forWorkbench(vm, OjAlgoBackend::new);
        learn = new LearnView(learnVm, dialogs, url -> { });
        learn.bindTheme(vm.themeProperty());
        view.addTab(learn);
        SubspacesView.install(view, vm);
        SeriesView.install(view, vm);
        view.reportExport().includePlan(budget.viewModel().checkpointProperty(), budget.viewModel().planProperty());
        view.reportExport().includeQuality(budget.viewModel().checkpointProperty(),
                budget.viewModel().modelLoop().sweepProperty());
        view.reportExport().includeComparison(compare.viewModel().basePathProperty(), compare.viewModel().tunedPathProperty(),
                compare.viewModel().results().reportProperty(), compare.viewModel().results().parametersProperty());
        view.install(stage);
        stage.setWidth(1280);
        stage.setHeight(800);
        stage.show();
    }

    /** Opens {@code checkpoint} and waits until every matrix is analysed. */
    void openAndWait(FxRobot robot, Path checkpoint) {
        robot.interact(() -> vm.open(checkpoint));
        waitUntil(() -> !vm.checkpoints().isEmpty()
                && vm.matricesDoneProperty().get() == vm.checkpoints().get(0).matrices().size());
    }

    /** Sets the window to {@code width}×{@code height} and lays it out. */
    void resize(FxRobot robot, int width, int height) {
        robot.interact(() -> {
            stage.setWidth(width);
            stage.setHeight(height);
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> view.root().getScene().getRoot().layout());
        WaitForAsyncUtils.waitForFxEvents();
    }

    /** Clicks a centre tab's header (by id: "Compare" is also one of the Budget tab's inner tabs). */
    void selectTab(FxRobot robot, String title) {
        robot.clickOn("#tab-" + title.toLowerCase(Locale.ROOT).replace(' ', '-'));
        waitUntil(() -> view.tabs().getSelectionModel().getSelectedItem().getText().equals(title));
    }
}
