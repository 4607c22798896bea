package dev.rankscope.views.learn;

import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.fx.SideOrBelow;
import dev.rankscope.views.spectrum.ChartPane;
import javafx.beans.property.ObjectProperty;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Learn ▸ Random vs trained (Martin &amp; Mahoney 2021): two ESD histograms (log₁₀ λ) with their
 * Marchenko-Pastur densities, the bulk edge λ₊ and the power-law xmin marked. FX thread only.
 */
public final class RandomVsTrainedView extends BorderPane {
    private static final Color BARS = new Color(0x9e, 0xc5, 0xe6);
    private static final Color MP = new Color(0xd6, 0x27, 0x28);
    private static final Color TAIL = new Color(0x2c, 0xa0, 0x2c);

    private final ChartPane randomChart;
    private final ChartPane trainedChart;
    private final Label randomStats = stats("learn-random-stats");
    private final Label trainedStats = stats("learn-trained-stats");

    public RandomVsTrainedView(RandomVsTrainedViewModel vm, ObjectProperty<SelectedLayer> selected,
                               PictureExporter exporter, Consumer<String> openUrl) {
        setId("learn-random-vs-trained");
        setTop(LearnPanels.header("learn-rvt", "Random vs trained",
                "A matrix of independent random numbers has singular values that fill a predictable bulk: the "
                        + "Marchenko-Pastur law, with a sharp edge λ₊. Training leaves that bulk behind: the eigenvalues "
                        + "of a trained layer spread into a heavy power-law tail, and spikes escape beyond λ₊. The smaller "
                        + "the tail exponent α, the more structure the layer has learned (α ≈ 2–4 is typical of well-trained layers).",
                "ρ_{MP}(λ) = Q / (2π s^{2} λ) · √((λ_{+} − λ)(λ − λ_{−})),   λ_{±} = s^{2}(1 ± 1/√Q)^{2},   "
                        + "p(λ) ∝ λ^{−α} for λ ≥ λ_{min}",
                Citation.MARTIN_MAHONEY, openUrl));
        randomChart = new ChartPane("learn-random-chart", "Random Gaussian (same shape)", emptyChart(),
                "random-esd", exporter);
        trainedChart = new ChartPane("learn-trained-chart", "Trained layer", emptyChart(),
                "trained-esd", exporter);
        VBox left = new VBox(4, randomChart, randomStats);
        VBox right = new VBox(4, trainedChart, trainedStats);
        VBox.setVgrow(randomChart, Priority.ALWAYS);
        VBox.setVgrow(trainedChart, Priority.ALWAYS);
        left.setPrefWidth(400);
        right.setPrefWidth(400);
        randomChart.setPrefHeight(320);
        trainedChart.setPrefHeight(320);
        // side by side from 2 × 340 px, one under the other below (squeezed, their axis titles were cut)
        SideOrBelow charts = new SideOrBelow(left, right, null, 340);
        charts.setPadding(new Insets(4, 8, 4, 8));

        Label status = new Label();
        status.textProperty().bind(vm.statusProperty());
        Button reroll = new Button("New random draw");
        reroll.setId("learn-reroll");
        reroll.setOnAction(e -> vm.reroll(selected.get()));
        HBox controls = new HBox(10, reroll, status);
        controls.setAlignment(Pos.CENTER_LEFT);
        controls.setPadding(new Insets(4, 8, 4, 8));
        VBox centre = new VBox(controls, charts);
        VBox.setVgrow(charts, Priority.ALWAYS);
        setCenter(centre);
        vm.comparisonProperty().addListener((obs, o, c) -> {
            if (c != null) {
                show(randomChart, randomStats, c.random());
                show(trainedChart, trainedStats, c.trained());
            }
        });
    }

    private static void show(ChartPane pane, Label stats, RandomVsTrainedViewModel.Side side) {
        XYSeries hist = new XYSeries("ESD", true, false);
        for (int i = 0; i < side.binLog10().length; i++) {
            hist.add(side.binLog10()[i], side.binDensity()[i]);
        }
        XYSeries mp = new XYSeries("Marchenko-Pastur fit", true, false);
        for (int i = 0; i < side.mpLog10().length; i++) {
            mp.add(side.mpLog10()[i], side.mpDensity()[i]);
        }
        XYPlot plot = pane.chart().getXYPlot();
        XYSeriesCollection bars = new XYSeriesCollection(hist);
        bars.setIntervalWidth(side.binLog10().length > 1 ? side.binLog10()[1] - side.binLog10()[0] : 1);
        plot.setDataset(0, bars);
        plot.setDataset(1, new XYSeriesCollection(mp));
        plot.clearDomainMarkers();
        plot.addDomainMarker(marker(Math.log10(side.mp().bulkMax()), MP, "λ+", true));
        if (side.powerLaw() != null && side.powerLaw().xmin() > 0) {
            plot.addDomainMarker(marker(Math.log10(side.xminRescaled()), TAIL, "xmin", false));
        }
        pane.chart().setTitle(side.label());
        pane.chart().getTitle().setFont(new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 12));
        String mpLine = String.format(Locale.ROOT, "%d×%d  Q = %.2f   MP: s = %.3f, bulk edge λ+ = %.3f, spikes beyond λ+ + √TW: %d%n",
                side.rows(), side.cols(), side.mp().q(), side.mp().sigma(), side.mp().bulkMax(), side.mp().numSpikes());
        stats.setText(mpLine + (side.powerLaw() == null
                ? "power law: no fit (fewer than 2 eigenvalues above the floor, or a flat tail)"
                : String.format(Locale.ROOT, "power law: α = %.2f ± %.2f on the top %d eigenvalues (λ ≥ xmin), KS D = %.3f %s",
                side.powerLaw().alpha(), side.powerLaw().sigmaAlpha(), side.powerLaw().numTail(),
                side.powerLaw().ksDistance(), side.powerLaw().verdict().isEmpty() ? "" : "(" + side.powerLaw().verdict() + ")")));
    }

    private static ValueMarker marker(double x, Color c, String label, boolean right) {
        ValueMarker m = new ValueMarker(x, c, new BasicStroke(1.3f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER,
                10f, new float[]{5f, 4f}, 0f));
        m.setLabel(label);
        m.setLabelPaint(c);
        m.setLabelAnchor(right ? RectangleAnchor.TOP_RIGHT : RectangleAnchor.TOP_LEFT);
        m.setLabelTextAnchor(right ? TextAnchor.TOP_LEFT : TextAnchor.TOP_RIGHT);
        m.setLabelFont(new java.awt.Font("SansSerif", java.awt.Font.BOLD, 12));
        return m;
    }

    private static JFreeChart emptyChart() {
        NumberAxis x = new NumberAxis("log₁₀ λ  (λ = σ², rescaled to mean 1)");
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis("density");
        XYBarRenderer bars = new XYBarRenderer(0.05);
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, BARS);
        XYPlot plot = new XYPlot(new XYSeriesCollection(), x, y, bars);
        XYLineAndShapeRenderer line = new XYLineAndShapeRenderer(true, false);
        line.setSeriesPaint(0, MP);
        line.setSeriesStroke(0, new BasicStroke(2f));
        plot.setRenderer(1, line);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        return LearnPanels.whiteChart(new JFreeChart("", new java.awt.Font("SansSerif", java.awt.Font.PLAIN, 12), plot, true));
    }

    private static Label stats(String id) {
        Label l = new Label();
        l.setId(id);
        l.setWrapText(true);
        l.setStyle("-fx-font-family: monospace; -fx-font-size: 11px;");
        return l;
    }
}
