package dev.rankscope.views.dev;

import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.budget.BudgetView;
import dev.rankscope.views.budget.EngineBudgetServices;
import dev.rankscope.views.budget.ModelLoopViewModel;
import dev.rankscope.views.series.SeriesView;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.TabPane;
import javafx.stage.Stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Developer harness (not a test) for the chart review: starts the workbench with the Budget and Series tabs on a
 * checkpoint under a real display (e.g. Xvfb), opens a series folder, runs Budget ▸ Model ▸ Quality vs size when the
 * checkpoint bundles an evaluation text, then snapshots the Spectrum tab (one matrix, then the embedding), the Series
 * tab and the Budget tab (ranks, Model) in the light and the dark theme.
 * {@code java -cp … ChartsScreenshotHarness CHECKPOINT SERIES_FOLDER OUTDIR WIDTH HEIGHT}
 */
public final class ChartsScreenshotHarness {
    public static void main(String[] args) {
        Application.launch(App.class, args);
    }

    /** The JavaFX application (separate so {@code main} starts from a plain class path). */
    public static final class App extends Application {
        private WorkbenchViewModel vm;
        private WorkbenchView view;
        private BudgetView budget;
        private SeriesView series;
        private Stage stage;
        private Path out;
        private String size;

        @Override
        public void start(Stage stage) {
            this.stage = stage;
            List<String> args = getParameters().getRaw();
            Path checkpoint = Path.of(args.get(0));
            Path seriesFolder = Path.of(args.get(1));
            out = Path.of(args.get(2));
            size = args.get(3) + "x" + args.get(4);
            vm = Harness.workbench(stage);
            view = new WorkbenchView(vm);
            budget = BudgetView.create(vm, new EngineBudgetServices(() -> Backends.select(Backends.Preference.AUTO)));
            view.addTab(budget);
            series = SeriesView.install(view, vm);
            view.install(stage);
            stage.setWidth(Double.parseDouble(args.get(3)));
            stage.setHeight(Double.parseDouble(args.get(4)));
            stage.show();
            vm.open(checkpoint);
            Harness.waitThen(() -> vm.matricesTotalProperty().get() > 0
                    && vm.matricesDoneProperty().get() >= vm.matricesTotalProperty().get(), () -> {
                series.viewModel().open(List.of(seriesFolder));
                ModelLoopViewModel loop = budget.viewModel().modelLoop();
                boolean sweep = Files.isRegularFile(checkpoint.resolve("eval.txt"));
                if (sweep) {
                    loop.runSweep();
                }
                Harness.waitThen(() -> series.viewModel().resultProperty().get() != null
                        && !series.viewModel().runningProperty().get()
                        && (!sweep || loop.sweepProperty().get() != null || !loop.runningProperty().get()), this::shoot);
            });
        }

        private void shoot() {
            List<MatrixEntry> all = vm.checkpoints().get(0).matrices();
            MatrixEntry q = all.stream().filter(e -> e.id().contains("layers.0.self_attn.q_proj")).findFirst().orElse(all.get(0));
            MatrixEntry embed = all.stream().filter(e -> e.id().contains("embed")).findFirst().orElse(all.get(0));
            List<Runnable> steps = new ArrayList<>();
            for (Theme theme : Theme.values()) {
                String t = theme.name().toLowerCase(java.util.Locale.ROOT);
                steps.add(() -> {
                    vm.themeProperty().set(theme);
                    vm.select(q);
                    select("Spectrum");
                });
                steps.add(() -> snap("spectrum-q-" + t));
                steps.add(() -> vm.select(embed));
                steps.add(() -> snap("spectrum-embed-" + t));
                steps.add(() -> select("Series"));
                steps.add(() -> snap("series-" + t));
                steps.add(() -> select("Budget"));
                steps.add(() -> snap("budget-" + t));
                steps.add(() -> ((TabPane) stage.getScene().lookup("#budget-lower-tabs")).getSelectionModel().select(3));
                steps.add(() -> snap("budget-model-" + t));
                steps.add(() -> ((TabPane) stage.getScene().lookup("#budget-lower-tabs")).getSelectionModel().select(0));
            }
            steps.add(Platform::exit);
            Harness.runSteps(steps, 900);
        }

        private void select(String title) {
            view.tabs().getTabs().stream().filter(tab -> tab.getText().equals(title)).findFirst()
                    .ifPresent(tab -> view.tabs().getSelectionModel().select(tab));
        }


        private void snap(String name) {
            Harness.snap(stage, out.resolve(name + "-" + size + ".png"));
        }
    }
}
