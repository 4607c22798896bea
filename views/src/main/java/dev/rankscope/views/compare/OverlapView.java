package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.ChartTheme;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.control.SplitPane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.util.Locale;

/**
 * For the selected matrix (SPEC §3): the heatmap of {@code |U_tᵀU₀|} for the top-k tuned vectors
 * (rows j, top down) against the top-N base vectors (columns i), and the curve
 * {@code c_j = max_i |cos|} for j ≤ k with the ε line; points below ε (the intruders) are red.
 * Both read the result's cached block and c_j only, so dragging ε or k redraws at once. New
 * datasets replace old ones; none is mutated while shown. FX thread only.
 */
final class OverlapView extends SplitPane {
    private final CompareViewModel vm;
    private final ChartPane heatmap;
    private final ChartPane curve;
    private final XYPlot heatPlot;
    private final XYPlot curvePlot;
    private final XYBlockRenderer blocks = new XYBlockRenderer();
    private final ValueMarker epsilonLine = new ValueMarker(0.5, CompareCharts.EPSILON,
            new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1f, new float[] {5f, 4f}, 0f));
    private Theme theme;

    OverlapView(CompareViewModel vm, WorkbenchViewModel workbench) {
        this.vm = vm;
        setId("compare-overlap");
        PictureExporter exporter = vm.pictureExporter();
        NumberAxis base = new NumberAxis("base vector i");
        base.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis tuned = new NumberAxis("tuned vector j");
        tuned.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        tuned.setInverted(true);
        blocks.setPaintScale(new CompareCharts.CosineScale());
        blocks.setBlockAnchor(RectangleAnchor.CENTER);
        heatPlot = new XYPlot(new DefaultXYZDataset(), base, tuned, blocks);
        heatPlot.setDomainGridlinesVisible(false);
        heatPlot.setRangeGridlinesVisible(false);
        JFreeChart heatChart = CompareCharts.chart(heatPlot, false);
        NumberAxis scaleAxis = new NumberAxis("|cos|");
        scaleAxis.setRange(0, 1);
        PaintScaleLegend legend = new PaintScaleLegend(new CompareCharts.CosineScale(), scaleAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setStripWidth(10);
        legend.setMargin(4, 4, 4, 4);
        heatChart.addSubtitle(legend);
        heatmap = new ChartPane("compare-heatmap-chart", "Overlap |cos|  top-k tuned × top-N base", heatChart,
                "overlap-heatmap", exporter);
        heatmap.setReadoutFormats(v -> String.format(Locale.ROOT, "i = %.0f", v), v -> String.format(Locale.ROOT, "j = %.0f", v));

        NumberAxis j = new NumberAxis("tuned vector j");
        j.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        NumberAxis c = new NumberAxis("c_j = max |cos| over the base");
        CompareCharts.fixRange(c, 0, 1.05);
        XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, true);
        lines.setSeriesPaint(0, CompareCharts.BASE);
        lines.setSeriesStroke(0, CompareCharts.THIN);
        lines.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
        lines.setSeriesLinesVisible(1, false);
        lines.setSeriesPaint(1, CompareCharts.EPSILON);
        lines.setSeriesShape(1, new Ellipse2D.Double(-5, -5, 10, 10));
        curvePlot = new XYPlot(new XYSeriesCollection(), j, c, lines);
        epsilonLine.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        epsilonLine.setLabelPaint(CompareCharts.EPSILON);
        epsilonLine.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
        epsilonLine.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
        epsilonLine.setLabelBackgroundColor(new java.awt.Color(0, 0, 0, 0));   // JFreeChart's grey box hid the curve
        curvePlot.addRangeMarker(epsilonLine);
        curve = new ChartPane("compare-cj-chart", "c_j and ε", CompareCharts.chart(curvePlot, true), "max-cosine",
                exporter);
        curve.setReadoutFormats(v -> String.format(Locale.ROOT, "%.0f", v), v -> String.format(Locale.ROOT, "%.3f", v));

        getItems().addAll(heatmap, curve);
        setDividerPositions(0.6);
        theme = workbench.themeProperty().get();
        ChartTheme.apply(heatChart, theme);
        ChartTheme.apply(curve.chart(), theme);
        workbench.themeProperty().addListener((o, a, b) -> {
            theme = b;
            ChartTheme.apply(heatmap.chart(), b);
            ChartTheme.apply(curve.chart(), b);
        });
        vm.results().selectedProperty().addListener((o, a, b) -> redraw());
        vm.results().parametersProperty().addListener((o, a, b) -> redraw());
        vm.results().heatmapColumnsProperty().addListener((o, a, b) -> redraw());
        redraw();
    }

    private void redraw() {
        IntruderMatrixResult r = vm.results().selectedProperty().get();
        IntruderParameters p = vm.results().getParameters();
        epsilonLine.setValue(p.epsilon());
        epsilonLine.setLabel(String.format(Locale.ROOT, "ε = %.2f", p.epsilon()));
        DefaultXYZDataset cells = new DefaultXYZDataset();
        XYSeries cj = new XYSeries("c_j");
        XYSeries intruders = new XYSeries("intruders (c_j < ε)");
        if (r != null) {
            int rowsShown = Math.min(p.k(), r.overlapRows());
            int colsShown = Math.max(1, Math.min(vm.results().heatmapColumnsProperty().get(), r.overlapCols()));
            double[][] xyz = new double[3][rowsShown * colsShown];
            int at = 0;
            for (int jj = 0; jj < rowsShown; jj++) {
                for (int i = 0; i < colsShown; i++) {
                    xyz[0][at] = i + 1;
                    xyz[1][at] = jj + 1;
                    xyz[2][at] = r.overlapAt(jj, i);
                    at++;
                }
            }
            cells.addSeries("overlap", xyz);
            for (int jj = 0; jj < rowsShown; jj++) {
                double c = r.maxCosineAt(jj);
                cj.add(jj + 1, c);
                if (c < p.epsilon()) {
                    intruders.add(jj + 1, c);
                }
            }
            CompareCharts.fixRange(heatPlot.getDomainAxis(), 0.5, colsShown + 0.5);
            CompareCharts.fixRange(heatPlot.getRangeAxis(), 0.5, rowsShown + 0.5);
            CompareCharts.fixRange(curvePlot.getDomainAxis(), 0.5, rowsShown + 0.5);
        }
        heatPlot.setDataset(cells);
        XYSeriesCollection curves = new XYSeriesCollection();
        curves.addSeries(cj);
        curves.addSeries(intruders);
        curvePlot.setDataset(curves);
        String title = r == null ? "" : r.name().id() + "  (" + r.shapeString() + ")";
        heatmap.chart().setTitle(title.isEmpty() ? null : new org.jfree.chart.title.TextTitle(title,
                new Font(Font.SANS_SERIF, Font.PLAIN, 11)));
        ChartTheme.apply(heatmap.chart(), theme);
        if (heatmap.chart().getTitle() != null) {
            heatmap.chart().getTitle().setPaint(theme == Theme.DARK ? new Color(0xdf, 0xe1, 0xe5) : Color.DARK_GRAY);
        }
    }

    ChartPane heatmapPane() {
        return heatmap;
    }

    ChartPane curvePane() {
        return curve;
    }
}
