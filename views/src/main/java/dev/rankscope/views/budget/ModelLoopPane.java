package dev.rankscope.views.budget;

import dev.rankscope.application.model.EvaluateResult;
import dev.rankscope.application.render.QualityChart;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.fx.EmptyHint;
import dev.rankscope.views.fx.PathFields;
import dev.rankscope.views.spectrum.ChartPane;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;

/**
 * The Budget tab's "Model" panel (issue "Model in the loop" §4): calibration text and window,
 * Calibrate / Cancel with progress, the data-aware switch (enabled once statistics are loaded),
 * Evaluate plan, Quality vs size with its chart (PNG/SVG through the workbench's exporter).
 * Binds to a {@link ModelLoopViewModel}; no state of its own. FX thread only.
 */
public final class ModelLoopPane extends BorderPane {
    /**
     * The quality chart never gets shorter than this: at 1280×800, once statistics were loaded, the status lines
     * squeezed it to a 30 px strip ("perplexi"); the Budget tab scrolls this panel instead.
     */
    public static final double MIN_CHART_HEIGHT = 220;
    private final JFreeChart chart = QualityChart.chart();

    public ModelLoopPane(ModelLoopViewModel vm, PictureExporter exporter) {
        setId("model-loop");
        TextField calibration = new TextField();
        calibration.setId("model-calibration-text");
        calibration.textProperty().bindBidirectional(vm.calibrationTextProperty());
        calibration.setPromptText("calibration text (UTF-8)");
        PathFields.showFileName(calibration);
        TextField evaluation = new TextField();
        evaluation.setId("model-evaluation-text");
        evaluation.textProperty().bindBidirectional(vm.evaluationTextProperty());
        evaluation.setPromptText("evaluation text (UTF-8)");
        PathFields.showFileName(evaluation);
        Spinner<Integer> seqLen = new Spinner<>(2, 8192, vm.seqLenProperty().get(), 64);
        seqLen.setId("model-seq-len");
        seqLen.setEditable(true);
        seqLen.valueProperty().addListener((o, a, b) -> vm.seqLenProperty().set(b));
        seqLen.setPrefWidth(90);
        seqLen.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);  // "256" stays whole beside a scroll bar

        Button calibrate = new Button("Calibrate");
        calibrate.setId("model-calibrate");
        calibrate.setOnAction(e -> vm.calibrate());
        Button evaluate = new Button("Evaluate plan");
        evaluate.setId("model-evaluate");
        evaluate.setOnAction(e -> vm.evaluatePlan());
        Button sweep = new Button("Quality vs size");
        sweep.setId("model-sweep");
        sweep.setOnAction(e -> vm.runSweep());
        Button cancel = new Button("Cancel");
        cancel.setId("model-cancel");
        cancel.setOnAction(e -> vm.cancel());
        for (Button b : new Button[] {calibrate, evaluate, sweep}) {
            b.disableProperty().bind(vm.runningProperty());
        }
        cancel.disableProperty().bind(vm.runningProperty().not());
        CheckBox aware = new CheckBox("Data-aware plans (SVD-LLM whitening)");
        aware.setId("model-data-aware");
        aware.selectedProperty().bindBidirectional(vm.dataAwareProperty());
        aware.disableProperty().bind(vm.statisticsProperty().isNull());
        ProgressBar progress = new ProgressBar();
        progress.setId("model-progress");
        progress.progressProperty().bind(vm.progressProperty());
        progress.visibleProperty().bind(vm.runningProperty());
        progress.setMaxWidth(Double.MAX_VALUE);
        Label status = new Label();
        status.setId("model-status");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());

        GridPane form = new GridPane();
        form.setHgap(6);
        form.setVgap(4);
        Label calibrationLabel = new Label("Calibrate on");
        Label evaluationLabel = new Label("Evaluate on");
        Label windowLabel = new Label("window");
        for (Label l : new Label[] {calibrationLabel, evaluationLabel, windowLabel}) {
            l.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        form.addRow(0, calibrationLabel, calibration, windowLabel, seqLen);
        form.addRow(1, evaluationLabel, evaluation);
        GridPane.setColumnSpan(evaluation, 3);
        GridPane.setHgrow(calibration, Priority.ALWAYS);
        GridPane.setHgrow(evaluation, Priority.ALWAYS);
        for (Button b : new Button[] {calibrate, evaluate, sweep, cancel}) {
            b.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        }
        javafx.scene.layout.FlowPane buttons = new javafx.scene.layout.FlowPane(6, 4, calibrate, evaluate, sweep, cancel);
        VBox top = new VBox(4, form, buttons, aware, progress, status);
        top.setPadding(new Insets(6));
        top.setMinHeight(javafx.scene.layout.Region.USE_PREF_SIZE);    // wrapped status lines push the chart down, not over it
        setTop(top);

        ChartPane chartPane = new ChartPane("model-quality-chart", "Quality vs size", chart, "quality-vs-size", exporter);
        // the chart showed bare 0..1 axes until a sweep ran; the card says what fills it
        StackPane centre = EmptyHint.over(chartPane, "model-quality-empty", "Quality vs size evaluates the plan at "
                + "several kept fractions on the evaluation text and plots its perplexity here (calibrate first for "
                + "data-aware plans).", 320, vm.sweepProperty().isNull());
        centre.setMinHeight(MIN_CHART_HEIGHT);
        setCenter(centre);
        vm.sweepProperty().addListener((o, a, s) -> QualityChart.show(chart, s));
        vm.evaluationProperty().addListener((o, a, r) -> showEvaluation(status, r));
    }

    private static void showEvaluation(Label status, EvaluateResult r) {
        if (r != null) {
            status.setTooltip(new javafx.scene.control.Tooltip(ModelLoopViewModel.summary(r)));
        }
    }
}
