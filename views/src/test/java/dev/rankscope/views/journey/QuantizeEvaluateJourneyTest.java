package dev.rankscope.views.journey;

import dev.rankscope.application.compensate.CompensateResult;
import dev.rankscope.application.compensate.CompensationCurveParameters;
import dev.rankscope.application.compensate.CompensationCurveResult;
import dev.rankscope.views.compensate.CompensateView;
import dev.rankscope.views.compensate.CompensationEvaluationViewModel;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TabPane;
import javafx.scene.control.ProgressBar;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.rankscope.views.journey.ModelLoopJourneyTest.trainedSample;
import static dev.rankscope.views.journey.ModelLoopJourneyTest.waitLong;
import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless journey (Monocle) of the Quantize tab's Evaluate panel at 1280×800 on the trained sample
 * {@code sample-checkpoints/tiny-kjv}: Analyse int4, Export the adapter, then Evaluate on a long text
 * and Cancel at once (the UI answers while the run goes on; nothing is shown), and Evaluate on the
 * bundled eval.txt to the end: the panel shows the perplexities of quantized and quantized + compensation.
 */
class QuantizeEvaluateJourneyTest extends SampleJourney {
    @TempDir
    Path out;

    CompensateView quantize;

    @Start
    void start(Stage stage) {
        show(stage);
        quantize = CompensateView.install(window.view, window.vm);
    }

    @Test
    void exportThenEvaluateCancelAndEvaluateAgainThenTheQualityVsRankCurve(FxRobot robot) throws Exception {
        window.selectTab(robot, "Quantize");
        robot.interact(() -> {
            quantize.viewModel().baseProperty().set(trainedSample().resolve("model.safetensors"));
            quantize.viewModel().schemeProperty().set("int4");
        });
        robot.clickOn("#compensate-analyse");
        waitLong(() -> quantize.viewModel().analysisProperty().get() != null);
        Button evaluate = robot.lookup("#compensate-evaluate").queryAs(Button.class);
        assertTrue(evaluate.isDisabled(), "nothing exported yet");
        dialogs.answers.add(out.resolve("adapter"));
        robot.clickOn("#compensate-export");
        waitLong(() -> quantize.viewModel().exportedProperty().get() != null);
        assertEquals(List.of("Export the compensation adapter into a folder"), dialogs.titledDialogs,
                "an export asks for an output folder, not to open a checkpoint");
        waitUntil(() -> !evaluate.isDisabled());
        CompensationEvaluationViewModel eval = quantize.evaluationViewModel();
        assertEquals(trainedSample().resolve("eval.txt").toString(), eval.textProperty().get());

        Path longText = out.resolve("long.txt");
        String once = Files.readString(trainedSample().resolve("eval.txt"));
        Files.writeString(longText, once.repeat(40));
        robot.interact(() -> eval.textProperty().set(longText.toString()));
        robot.clickOn("#compensate-evaluate");
        assertTrue(eval.runningProperty().get(), "the click returned while the evaluation runs");
        assertTrue(robot.lookup("#compensate-eval-progress").queryAs(ProgressBar.class).isVisible());
        robot.clickOn("#compensate-eval-cancel");
        waitLong(() -> !eval.runningProperty().get());
        Label status = robot.lookup("#compensate-eval-status").queryAs(Label.class);
        assertEquals("Evaluation cancelled.", status.getText());

        robot.interact(() -> eval.textProperty().set(trainedSample().resolve("eval.txt").toString()));
        robot.clickOn("#compensate-evaluate");
        waitLong(() -> eval.comparisonProperty().get() != null);
        assertTrue(status.getText().startsWith("Perplexity ("), status.getText());
        CompensationEvaluationViewModel.Comparison c = eval.comparisonProperty().get();
        assertTrue(c.compensated().meanKl() < c.quantized().meanKl(), c.summary());
        assertFalse(evaluate.isDisabled());

        robot.clickOn("#compensate-curve-run");
        org.testfx.util.WaitForAsyncUtils.waitFor(300, java.util.concurrent.TimeUnit.SECONDS,
                () -> eval.curveProperty().get() != null || !eval.runningProperty().get());
        org.testfx.util.WaitForAsyncUtils.waitForFxEvents();
        assertTrue(eval.curveProperty().get() != null, status.getText());
        CompensationCurveResult curve = eval.curveProperty().get();
        int maxRank = quantize.viewModel().exportedProperty().get().matrices().stream()
                .mapToInt(CompensateResult.MatrixRow::rank).max().orElseThrow();
        assertEquals(CompensationCurveParameters.doublingRanks(maxRank),
                curve.points().stream().map(CompensationCurveResult.Point::rank).toList());
        assertEquals(c.quantized().meanKl(), curve.points().get(0).evaluation().meanKl(), 0.0, "rank 0 is the quantized model");
        assertEquals(c.compensated().meanKl(), curve.points().get(curve.points().size() - 1).evaluation().meanKl(), 0.0,
                "the largest rank is the whole adapter");
        TabPane charts = robot.lookup("#compensate-charts").queryAs(TabPane.class);
        assertEquals("Quality vs rank", charts.getSelectionModel().getSelectedItem().getText(), "the curve is brought forward");
        org.jfree.chart.fx.ChartViewer viewer = robot.lookup("#compensate-curve").queryAs(org.jfree.chart.fx.ChartViewer.class);
        org.jfree.data.xy.XYDataset data = viewer.getChart().getXYPlot().getDataset();
        assertEquals(1, data.getSeriesCount(), "a causal LM: one KL line");
        assertEquals(curve.points().size(), data.getItemCount(0));
        assertTrue(status.getText().startsWith("Perplexity (KL to the original) by rank"), status.getText());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }
}
