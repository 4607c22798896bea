package dev.rankscope.views.learn;

import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.Journeys;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.image.ImageView;
import javafx.scene.image.WritableImage;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless journey (Monocle): walks the four Learn panels, drags the rank slider and a bar, and saves a
 * snapshot of each panel under target/learn-screens for a human to look at.
 */
@ExtendWith(ApplicationExtension.class)
class LearnJourneyTest {
    private final List<String> opened = new ArrayList<>();
    private LearnView view;
    private LearnViewModel vm;

    @Start
    void start(Stage stage) {
        vm = new LearnViewModel(() -> Backends.select(Backends.Preference.JAVA), WorkbenchExecutors.standard());
        view = new LearnView(vm, new FakeDialogService(), opened::add);
        stage.setScene(new Scene((javafx.scene.Parent) view.content(), 1260, 780));
        stage.show();
    }

    @Test
    void walksTheFourPanelsAndDragsTheRankSlider(FxRobot robot) throws Exception {
        RankApproximationViewModel rank = vm.rankApproximation();
        Journeys.waitUntil(() -> rank.frameProperty().get() != null);
        assertNotNull(robot.lookup("#learn-reconstruction").queryAs(ImageView.class).getImage());
        Slider slider = robot.lookup("#learn-rank-slider").queryAs(Slider.class);
        assertEquals(256, (int) slider.getMax());
        int before = rank.frameProperty().get().rank();
        robot.drag(slider.lookup(".thumb")).moveBy(120, 0).drop();
        WaitForAsyncUtils.waitForFxEvents();
        int dragged = rank.rankProperty().get();
        assertTrue(dragged > before, "dragging right raises the rank: " + before + " → " + dragged);
        Journeys.waitUntil(() -> rank.frameProperty().get().rank() == dragged);
        String stats = robot.lookup("#learn-rank-stats").queryAs(Label.class).getText();
        assertTrue(stats.contains("rank k            " + dragged + " of 256"), stats);
        robot.clickOn("#learn-rank-k-link");
        assertEquals(List.of(Citation.ECKART_YOUNG.url()), opened);
        snapshot("rank-k");

        robot.clickOn("Random vs trained");
        RandomVsTrainedViewModel rvt = vm.randomVsTrained();
        Journeys.waitUntil(() -> rvt.comparisonProperty().get() != null);
        String trained = robot.lookup("#learn-trained-stats").queryAs(Label.class).getText();
        assertTrue(trained.contains(String.format(java.util.Locale.ROOT, "α = %.2f",
                rvt.comparisonProperty().get().trained().powerLaw().alpha())), trained);
        assertTrue(robot.lookup("#learn-rvt-formula").tryQuery().isPresent());
        snapshot("random-vs-trained");

        robot.clickOn("Effective rank explained");
        WaitForAsyncUtils.waitForFxEvents();
        double stableBefore = vm.effectiveRank().metricsProperty().get().stableRank();
        Slider bar = robot.lookup("#learn-erank-bar-0").queryAs(Slider.class);
        robot.drag(bar.lookup(".thumb")).moveBy(0, 100).drop();
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(vm.effectiveRank().sigmaProperty().get()[0] < 7, "dragging σ₁'s bar down lowers it");
        assertTrue(vm.effectiveRank().metricsProperty().get().stableRank() > stableBefore,
                "a smaller σ₁ raises the stable rank");
        String shown = robot.lookup("#learn-erank-value-2").queryAs(Label.class).getText();
        assertEquals(String.format(java.util.Locale.ROOT, "%.3f of 16",
                vm.effectiveRank().metricsProperty().get().stableRank()), shown);
        snapshot("effective-rank");

        robot.clickOn("LoRA and intruders");
        IntruderDemoViewModel intr = vm.intruders();
        Journeys.waitUntil(() -> intr.resultProperty().get() != null);
        assertTrue(intr.intruderCountProperty().get() >= 1, "the default strength plants an intruder");
        String count = robot.lookup("#learn-intruder-count").queryAs(Label.class).getText();
        assertTrue(count.startsWith(intr.intruderCountProperty().get() + " intruder"), count);
        assertNotNull(robot.lookup("#learn-heatmap").queryAs(ImageView.class).getImage());
        snapshot("intruders");
    }

    private void snapshot(String name) throws Exception {
        Node panel = view.currentPanel();
        WritableImage img = WaitForAsyncUtils.asyncFx(() -> panel.getScene().getRoot().snapshot(null, null)).get();
        Path dir = Path.of("target", "learn-screens");
        Files.createDirectories(dir);
        ImageIO.write(SwingFXUtils.fromFXImage(img, null), "png", dir.resolve(name + ".png").toFile());
    }
}
