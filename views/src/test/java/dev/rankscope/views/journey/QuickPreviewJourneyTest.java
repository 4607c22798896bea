package dev.rankscope.views.journey;

import dev.rankscope.views.fx.FxDialogService;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.application.workbench.QuickPreview;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.control.Label;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.nio.file.Path;
import java.util.concurrent.Semaphore;

import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue #7 in the window: with the quick preview on, the approximate values appear first with a
 * visible "≈ approximate (top k)" label on the spectrum chart and "≈" badges in the explorer;
 * once the exact pass (held back by a gate here) delivers, the label and the marks disappear.
 */
@ExtendWith(ApplicationExtension.class)
class QuickPreviewJourneyTest {
    FakeWorkbenchServices services;
    WorkbenchViewModel vm;

    @Start
    void start(Stage stage) {
        services = new FakeWorkbenchServices();
        services.quickPass = true;
        services.gate = new Semaphore(0);
        InMemorySettingsStore settings = new InMemorySettingsStore();
        settings.setQuickPreview(QuickPreview.ALWAYS);
        vm = new WorkbenchViewModel(services, new FxDialogService(() -> stage), settings, WorkbenchExecutors.standard());
        new WorkbenchView(vm).install(stage);
        stage.setWidth(1200);
        stage.setHeight(800);
        stage.show();
    }

    private long approximateBadges(FxRobot robot) {
        return robot.lookup(".badge").queryAllAs(Label.class).stream()
                .filter(l -> l.isVisible() && l.getText() != null && l.getText().startsWith("≈")).count();
    }

    @Test
    void approximateFirstThenExact(FxRobot robot) {
        robot.interact(() -> vm.open(Path.of("/models/preview.safetensors")));
        waitUntil(() -> !vm.checkpoints().isEmpty() && vm.checkpoints().get(0).getApproximate() == vm.checkpoints().get(0).matrices().size());
        Label note = robot.lookup("#spectrum-approximate").queryAs(Label.class);
        waitUntil(note::isVisible);
        assertEquals("≈ approximate (top " + FakeWorkbenchServices.QUICK_K + ")", note.getText());
        robot.interact(() -> vm.metricProperty().set(dev.rankscope.views.model.Metric.SIGMA1));
        waitUntil(() -> approximateBadges(robot) > 0);

        services.gate.release(10_000);                               // let the exact pass run
        int n = 2 + 7 * services.layers;
        waitUntil(() -> vm.matricesDoneProperty().get() == n);
        waitUntil(() -> !note.isVisible());
        waitUntil(() -> approximateBadges(robot) == 0);
        assertTrue(vm.analyses().values().stream().noneMatch(a -> a.spectrum().approximate()));
    }
}
