package dev.rankscope.views.spectrum;

import dev.rankscope.views.service.Theme;
import dev.rankscope.views.workbench.WorkbenchTab;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.CheckBox;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.control.SplitPane;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYIntervalSeriesCollection;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Locale;

/**
 * The Spectrum tab: for the selected matrices, overlaid, a scree plot (σ by index i, log y, optional
 * log x), the cumulative energy with the 90/95/99 % lines and the primary matrix's crossing
 * ranks, and the ESD histogram of λ = σ² on log axes with the fitted power-law tail (α, xmin)
 * and the Marchenko–Pastur bulk edge (SPEC §1–2). Datasets arrive whole from
 * {@link SpectrumViewModel}; this view only swaps them in and restyles. FX thread only.
 */
public final class SpectrumView extends BorderPane implements WorkbenchTab {
    private static final double[] ENERGY_LEVELS = {0.90, 0.95, 0.99};
    private static final Color MARKER = new Color(0xc0, 0x39, 0x2b);
    private static final Color MP = new Color(0x27, 0x80, 0x60);
    /** Series colours, the same index → colour in all three charts (Tableau 10). */
    static final Color[] PALETTE = {new Color(0x4e79a7), new Color(0xf28e2b), new Color(0x59a14f), new Color(0xe15759),
            new Color(0xb07aa1), new Color(0x76b7b2), new Color(0xedc948), new Color(0xff9da7), new Color(0x9c755f),
            new Color(0xbab0ac), new Color(0x1f77b4), new Color(0x8c564b)};

    private final SpectrumViewModel vm;
    private final ChartPane scree;
    private final ChartPane cumulative;
    private final ChartPane esd;
    private final Label placeholder = new Label();
    private Theme theme = Theme.LIGHT;

    public SpectrumView(SpectrumViewModel vm, WorkbenchViewModel workbench) {
        this.vm = vm;
        setId("spectrum-view");
        var exporter = workbench.pictureExporter();
        scree = new ChartPane("scree-chart", "Scree plot  σ by index", xyChart(new NumberAxis("index i"), logAxis("singular value σ")),
                "scree", exporter);
        scree.setReadoutFormats(v -> String.format(Locale.ROOT, "%.0f", v), v -> String.format(Locale.ROOT, "%.4g", v));
        NumberAxis energyAxis = new NumberAxis("retained energy (share of Σσ²)");
        energyAxis.setRange(0, 1.02);
        energyAxis.setAutoRange(false);
        cumulative = new ChartPane("cumulative-chart", "Cumulative energy",
                xyChart(new NumberAxis("rank k"), energyAxis), "cumulative-energy", exporter);
        cumulative.setReadoutFormats(v -> String.format(Locale.ROOT, "%.0f", v), v -> String.format(Locale.ROOT, "%.2f %%", 100 * v));
        esd = new ChartPane("esd-chart", "ESD  λ = σ²  (log–log)", esdChart(), "esd", exporter);
        esd.setReadoutFormats(v -> String.format(Locale.ROOT, "%.4g", v), v -> String.format(Locale.ROOT, "%.4g", v));
        XYPlot cum = cumulative.chart().getXYPlot();
        for (double level : ENERGY_LEVELS) {
            ValueMarker m = new ValueMarker(level, new Color(0x88, 0x88, 0x88), dashed(1f));
            m.setLabel(String.format(Locale.ROOT, "%.0f %%", level * 100));
            m.setLabelAnchor(RectangleAnchor.BOTTOM_RIGHT);
            m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
            cum.addRangeMarker(m, Layer.BACKGROUND);
        }

        SplitPane top = new SplitPane(scree, cumulative);
        SplitPane all = new SplitPane(top, esd);
        all.setOrientation(Orientation.VERTICAL);
        all.setDividerPositions(0.5);

        CheckBox logX = new CheckBox("log index axis");
        logX.setId("spectrum-logx");
        logX.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        logX.selectedProperty().bindBidirectional(vm.logXProperty());
        placeholder.setId("spectrum-placeholder");
        placeholder.getStyleClass().add("placeholder");
        placeholder.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        Label hint = new Label("drag: zoom · Ctrl-drag: pan · wheel: zoom");
        hint.getStyleClass().add("hint");
        hint.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
        // a flow, not a row: in a narrow window the placeholder goes on a second line instead of being cut
        FlowPane toolbar = new FlowPane(14, 2, logX, hint, placeholder);
        toolbar.setAlignment(Pos.CENTER_LEFT);
        toolbar.setPadding(new Insets(4, 8, 4, 8));
        toolbar.getStyleClass().add("view-toolbar");
        setTop(toolbar);
        Label approximate = new Label();
        approximate.setId("spectrum-approximate");
        approximate.getStyleClass().add("approximate-note");
        approximate.setStyle("-fx-background-color: rgba(255,196,0,0.85); -fx-text-fill: black; -fx-font-weight: bold;"
                + " -fx-padding: 2 8 2 8; -fx-background-radius: 4;");
        approximate.setMouseTransparent(true);
        approximate.textProperty().bind(vm.approximateNoteProperty());
        approximate.visibleProperty().bind(vm.approximateNoteProperty().isNotEmpty());
        approximate.setTooltip(new Tooltip("Quick preview: top singular values by randomised block Krylov iteration; "
                + "exact values replace them as they arrive"));
        StackPane chartStack = new StackPane(all, approximate);
        StackPane.setAlignment(approximate, Pos.TOP_CENTER);
        StackPane.setMargin(approximate, new Insets(6, 0, 0, 0));
        setCenter(chartStack);

        placeholder.textProperty().bind(vm.placeholderProperty());
        vm.dataProperty().addListener((o, a, b) -> show(b));
        vm.logXProperty().addListener((o, a, b) -> applyLogX(b));
        show(vm.getData());
    }

    @Override
    public String title() {
        return "Spectrum";
    }

    @Override
    public Node content() {
        return this;
    }

    /** Restyles the charts for a theme. */
    public void applyTheme(Theme t) {
        this.theme = t;
        ChartTheme.apply(scree.chart(), t);
        ChartTheme.apply(cumulative.chart(), t);
        ChartTheme.apply(esd.chart(), t);
        var esdMarkers = esd.chart().getXYPlot().getDomainMarkers(Layer.FOREGROUND);
        if (esdMarkers != null) {
            for (Object m : esdMarkers) {
                ((ValueMarker) m).setLabelBackgroundColor(labelBackground(t));
            }
        }
        Color label = t == Theme.DARK ? new Color(0xc8, 0xcb, 0xd0) : new Color(0x55, 0x55, 0x55);
        var levels = cumulative.chart().getXYPlot().getRangeMarkers(Layer.BACKGROUND);
        if (levels != null) {
            for (Object m : levels) {
                ((ValueMarker) m).setLabelPaint(label);
                ((ValueMarker) m).setLabelBackgroundColor(new Color(0, 0, 0, 0));
            }
        }
    }

    /** Follows a theme property. */
    public void bindTheme(ObservableValue<Theme> themeProperty) {
        applyTheme(themeProperty.getValue());
        themeProperty.addListener((o, a, b) -> applyTheme(b));
    }

    /** Chart panes, for tests and the screenshot harness. */
    public List<ChartPane> charts() {
        return List.of(scree, cumulative, esd);
    }

    private void show(SpectrumData data) {
        XYPlot sp = scree.chart().getXYPlot();
        sp.setDataset(0, data.scree());
        XYPlot cp = cumulative.chart().getXYPlot();
        cp.setDataset(0, data.cumulative());
        RankMarkers.apply(cp, data.crossings(), MARKER);
        XYPlot ep = esd.chart().getXYPlot();
        ep.setDataset(0, data.esd());
        ep.setDataset(1, data.tail());
        EsdMarkers.apply(ep, data.xmin(), data.alpha(), data.mpEdge(), MARKER, MP, labelBackground(theme));
        for (int i = 0; i < Math.max(data.seriesCount(), PALETTE.length); i++) {
            Color c = PALETTE[i % PALETTE.length];
            sp.getRenderer(0).setSeriesPaint(i, c, false);
            cp.getRenderer(0).setSeriesPaint(i, c, false);
            ep.getRenderer(0).setSeriesPaint(i, c, false);
        }
        boolean legend = data.seriesCount() > 1;
        for (ChartPane c : charts()) {
            LegendTitle l = c.chart().getLegend();
            if (l != null) {
                l.setVisible(legend || c == esd && data.tail().getSeriesCount() > 0);
            }
            c.resetZoom();
        }
        cumulative.chart().getXYPlot().getRangeAxis().setRange(0, 1.02);
    }

    private void applyLogX(boolean log) {
        for (ChartPane c : List.of(scree, cumulative)) {
            XYPlot plot = c.chart().getXYPlot();
            String label = plot.getDomainAxis().getLabel();
            ValueAxis axis = log ? logAxis(label) : new NumberAxis(label);
            if (axis instanceof NumberAxis n) {
                n.setAutoRangeIncludesZero(false);
            }
            plot.setDomainAxis(axis);
        }
        applyTheme(theme);
    }

    private static JFreeChart xyChart(ValueAxis x, ValueAxis y) {
        if (x instanceof NumberAxis n) {
            n.setAutoRangeIncludesZero(false);
        }
        XYLineAndShapeRenderer r = RankMarkers.renderer();
        r.setAutoPopulateSeriesStroke(false);
        r.setDefaultStroke(new BasicStroke(1.6f));
        XYPlot plot = new XYPlot(new XYSeriesCollection(), x, y, r);
        plot.setDomainCrosshairVisible(true);
        plot.setRangeCrosshairVisible(true);
        plot.setDomainPannable(true);
        plot.setRangePannable(true);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        return chart;
    }

    /** Behind the ESD markers' labels: the plot's background, a little translucent. */
    private static Color labelBackground(Theme t) {
        return t == Theme.DARK ? new Color(0x1e, 0x1f, 0x22, 210) : new Color(0xfa, 0xfa, 0xfc, 210);
    }

    /** The ESD chart: log–log histogram bars (dataset 0) and the fitted tail line (dataset 1). */
    static JFreeChart esdChart() {
        XYBarRenderer bars = EsdMarkers.barRenderer();
        XYPlot plot = new XYPlot(new XYIntervalSeriesCollection(), logAxis("λ = σ²"), logAxis("density"), bars);
        XYLineAndShapeRenderer tail = new XYLineAndShapeRenderer(true, false);
        tail.setSeriesPaint(0, new Color(0xd6, 0x33, 0x6c));
        tail.setSeriesStroke(0, new BasicStroke(2.2f));
        plot.setDataset(1, new XYSeriesCollection());
        plot.setRenderer(1, tail);
        plot.setForegroundAlpha(0.75f);
        plot.setDomainCrosshairVisible(true);
        plot.setRangeCrosshairVisible(true);
        plot.setDomainPannable(true);
        plot.setRangePannable(true);
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        return chart;
    }

    private static LogAxis logAxis(String label) {
        return new DecadeLogAxis(label);
    }

    static BasicStroke dashed(float width) {
        return new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{5f, 4f}, 0f);
    }
}
