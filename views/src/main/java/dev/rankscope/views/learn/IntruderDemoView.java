package dev.rankscope.views.learn;

import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.fx.FittedImage;
import dev.rankscope.views.fx.SideOrBelow;
import dev.rankscope.views.spectrum.ChartPane;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.image.ImageView;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Learn ▸ LoRA and intruders (Shuttleworth et al. 2024, SPEC §3): a strength slider for the planted
 * rank-1 update, k and ε controls, the |U_tᵀU₀| heat map and the c_j curve with intruders marked.
 * FX thread only.
 */
public final class IntruderDemoView extends BorderPane {
    /** Rows/columns of |U_tᵀU₀| shown in the heat map. */
    public static final int HEAT_SIZE = 32;
    private static final Color INTRUDER = new Color(0xd6, 0x27, 0x28);

    private final IntruderDemoViewModel vm;
    private final ImageView heat = new ImageView();
    private final XYSeriesCollection curve = new XYSeriesCollection();
    private final ValueMarker epsilonMarker = new ValueMarker(0.5, INTRUDER, dashed());
    private final ValueMarker kMarker = new ValueMarker(10.5, new Color(0x55, 0x55, 0x55), dashed());
    private final Label count = new Label();
    private final Slider strength = new Slider(0, 40, 20);

    public IntruderDemoView(IntruderDemoViewModel vm, PictureExporter exporter, Consumer<String> openUrl) {
        this.vm = vm;
        setId("learn-intruders");
        heat.setId("learn-heatmap");
        exporter.install(heat, "intruder-overlap",
                () -> PictureExporter.raster(heat.getImage(), "|U_tᵀU₀|"));
        setTop(LearnPanels.header("learn-intruders", "LoRA and intruders",
                "Fine-tuning with a low-rank update can add a new, large singular direction that has nothing in common "
                        + "with the pre-trained ones: an intruder dimension. Compare each of the top k fine-tuned singular "
                        + "vectors with every base vector; if even its best match has cosine below ε, it is an intruder. "
                        + "Here W₀ is 64×64 with a decaying spectrum and W_t = W₀ + s·u vᵀ: raise s and watch one appear.",
                "C = |U_{t}^{T} U_{0}|,   c_{j} = max_{i} C_{ji},   intruder ⇔ c_{j} < ε  (j ≤ k),   W_{t} = W_{0} + s·u v^{T}",
                Citation.SHUTTLEWORTH, openUrl));

        strength.setId("learn-strength-slider");
        strength.setShowTickLabels(true);
        strength.setMajorTickUnit(10);
        strength.valueProperty().bindBidirectional(vm.strengthProperty());
        Slider k = new Slider(1, 20, vm.kProperty().get());
        k.setId("learn-k-slider");
        k.setShowTickLabels(true);
        k.setMajorTickUnit(5);
        k.setSnapToTicks(true);
        k.setMinorTickCount(4);
        k.valueProperty().addListener((obs, o, n) -> vm.kProperty().set((int) Math.round(n.doubleValue())));
        Slider eps = new Slider(0, 1, vm.epsilonProperty().get());
        eps.setId("learn-epsilon-slider");
        eps.setShowTickLabels(true);
        eps.setMajorTickUnit(0.25);
        eps.valueProperty().bindBidirectional(vm.epsilonProperty());
        Label sLabel = new Label();
        sLabel.textProperty().bind(vm.strengthProperty().asString(Locale.ROOT, "s = %.1f"));
        Label kLabel = new Label();
        kLabel.textProperty().bind(vm.kProperty().asString("k = %d"));
        Label eLabel = new Label();
        eLabel.textProperty().bind(vm.epsilonProperty().asString(Locale.ROOT, "ε = %.2f"));
        GridPane controls = new GridPane();
        controls.setHgap(8);
        controls.setVgap(4);
        controls.addRow(0, new Label("update strength"), strength, sLabel);
        controls.addRow(1, new Label("top vectors"), k, kLabel);
        controls.addRow(2, new Label("cosine threshold"), eps, eLabel);
        strength.setPrefWidth(220);
        k.setPrefWidth(220);
        eps.setPrefWidth(220);
        javafx.scene.layout.ColumnConstraints names = new javafx.scene.layout.ColumnConstraints();
        names.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        javafx.scene.layout.ColumnConstraints sliders = new javafx.scene.layout.ColumnConstraints();
        javafx.scene.layout.ColumnConstraints values = new javafx.scene.layout.ColumnConstraints(60);
        values.setMinWidth(60);
        controls.getColumnConstraints().addAll(names, sliders, values);
        count.setId("learn-intruder-count");
        count.setStyle("-fx-font-size: 15px; -fx-font-weight: bold;");
        Label status = new Label();
        status.textProperty().bind(vm.statusProperty());
        VBox left = new VBox(8, controls, count, status);
        left.setMinWidth(Region.USE_PREF_SIZE);

        heat.setId("learn-heatmap");
        Label heatCaption = new Label("|U_tᵀU₀|, first " + HEAT_SIZE + " × " + HEAT_SIZE
                + " (rows: fine-tuned j, columns: base i; dark = aligned)");
        heatCaption.setStyle("-fx-font-size: 11px;");
        heatCaption.setWrapText(true);
        heatCaption.setMaxWidth(260);
        VBox heatBox = new VBox(4, heatCaption, new FittedImage(heat, HEAT_SIZE * 7));

        ChartPane chart = new ChartPane("learn-cj-chart", "c_j (best cosine)", chart(),
                "intruder-cj", exporter);
        chart.setPrefWidth(420);
        chart.setPrefHeight(300);
        // controls and heat map side by side or stacked, the chart beside them or under them: never wider than the tab
        FlowPane controlsAndHeat = new FlowPane(16, 8, left, heatBox);
        controlsAndHeat.setPrefWrapLength(left.prefWidth(-1) + 16 + heatBox.prefWidth(-1));
        SideOrBelow body = new SideOrBelow(controlsAndHeat, chart, chart, 360);
        body.setPadding(new Insets(8));
        setCenter(body);

        vm.resultProperty().addListener((obs, o, r) -> show(r));
        vm.kProperty().addListener((obs, o, n) -> refreshCount());
        vm.epsilonProperty().addListener((obs, o, n) -> refreshCount());
        vm.intruderCountProperty().addListener((obs, o, n) -> refreshCount());
        vm.start();
    }

    private void show(IntruderMatrixResult r) {
        if (r == null) {
            return;
        }
        int rows = Math.min(HEAT_SIZE, r.overlapRows());
        int cols = Math.min(HEAT_SIZE, r.overlapCols());
        double[] block = new double[rows * cols];
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < cols; i++) {
                block[j * cols + i] = r.overlapAt(j, i);
            }
        }
        heat.setImage(LearnPanels.heat(block, rows, cols, 7));
        double[] c = r.maxCosine();
        XYSeries s = new XYSeries("c_j", false, true);
        for (int j = 0; j < Math.min(c.length, 40); j++) {
            s.add(j + 1, c[j]);
        }
        curve.removeAllSeries();
        curve.addSeries(s);
        refreshCount();
    }

    private void refreshCount() {
        IntruderMatrixResult r = vm.resultProperty().get();
        epsilonMarker.setValue(vm.epsilonProperty().get());
        kMarker.setValue(vm.parameters().k() + 0.5);
        if (r == null) {
            return;
        }
        IntruderMatrixResult.Intruders in = r.intruders(vm.parameters());
        StringBuilder b = new StringBuilder(in.count() + (in.count() == 1 ? " intruder" : " intruders")
                + " among the top " + vm.parameters().k());
        for (int i = 0; i < in.count(); i++) {
            b.append(String.format(Locale.ROOT, "%n  j = %d: σ = %.2f, c = %.3f", in.ranks()[i], in.sigma()[i],
                    in.maxCosine()[i]));
        }
        count.setText(b.toString());
    }

    private JFreeChart chart() {
        NumberAxis x = new NumberAxis("fine-tuned singular vector j");
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis("c_j");
        y.setRange(0, 1.05);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true) {
            @Override
            public java.awt.Paint getItemPaint(int series, int item) {
                double v = curve.getYValue(series, item);
                return v < vm.epsilonProperty().get() && item < vm.parameters().k() ? INTRUDER : new Color(0x1f, 0x77, 0xb4);
            }
        };
        XYPlot plot = new XYPlot(curve, x, y, r);
        epsilonMarker.setLabel("ε");
        plot.addRangeMarker(epsilonMarker);
        kMarker.setLabel("k");
        plot.addDomainMarker(kMarker);
        return LearnPanels.whiteChart(new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, false));
    }

    private static BasicStroke dashed() {
        return new BasicStroke(1.3f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{5f, 4f}, 0f);
    }

    /** The strength slider (tests move it). */
    public Slider strengthSlider() {
        return strength;
    }
}
