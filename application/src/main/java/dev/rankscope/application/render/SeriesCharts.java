package dev.rankscope.application.render;

import dev.rankscope.application.sweep.SeriesPlots;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;

/**
 * The Series tab's charts (issue 17 item 1), plain JFreeChart (no JavaFX), so the workbench shows
 * them and exports them through {@link ChartExport}: a trajectory chart (a quantity against the
 * step, one line per layer coloured by depth on the viridis scale with a depth colour bar, or one
 * line per module type in distinct colours) and the layer × checkpoint heatmap. Every call builds
 * a new chart over new datasets; safe from any thread.
 */
public final class SeriesCharts {
    /** Above this many lines the legend is replaced by the depth colour bar alone. */
    static final int MAX_LEGEND_LINES = 12;
    private static final Color[] PALETTE = {ReportCharts.PRIMARY, ReportCharts.ACCENT, ReportCharts.SECONDARY,
        new Color(0xd69e2e), new Color(0x805ad5), new Color(0x319795), new Color(0xdd6b20), new Color(0x718096)};
    private static final Color NO_LAYER = new Color(0x4a5568);

    private SeriesCharts() {
    }

    /** The trajectory chart of {@code t}, titled {@code quantity — scope}. */
    public static JFreeChart trajectories(SeriesPlots.Trajectories t) {
        XYSeriesCollection data = new XYSeriesCollection();
        for (SeriesPlots.Line line : t.lines()) {
            XYSeries s = new XYSeries(line.label(), false, true);
            double[] x = line.x();
            double[] y = line.y();
            for (int i = 0; i < x.length; i++) {
                s.add(x[i], y[i]);
            }
            data.addSeries(s);
        }
        NumberAxis xAxis = new NumberAxis(t.axis().label());
        // steps and series positions are whole numbers: no "1.2" between step 1 and step 2
        xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = new NumberAxis(t.quantity().name());
        yAxis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        int maxLayer = t.lines().stream().filter(l -> l.layer() != null).mapToInt(SeriesPlots.Line::layer).max().orElse(-1);
        // blue to green: the scale's ends vanish on the dark theme's plot (purple) and on white (yellow)
        ReportCharts.ViridisScale depth = new ReportCharts.ViridisScale(0, Math.max(1, maxLayer), NO_LAYER, 0.25, 0.85);
        for (int i = 0; i < t.lines().size(); i++) {
            SeriesPlots.Line line = t.lines().get(i);
            boolean byDepth = t.scope().kind() == SeriesPlots.ScopeKind.MODULE;
            r.setSeriesPaint(i, byDepth ? (line.layer() == null ? NO_LAYER : depth.getPaint(line.layer()))
                    : PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(1.6f));
            r.setSeriesShape(i, new java.awt.geom.Ellipse2D.Double(-2.5, -2.5, 5, 5));
        }
        XYPlot plot = new XYPlot(data, xAxis, yAxis, r);
        JFreeChart chart = ReportCharts.chart(t.quantity().name() + " — " + scopeTitle(t.scope()), plot,
                t.lines().size() <= MAX_LEGEND_LINES);
        if (t.scope().kind() == SeriesPlots.ScopeKind.MODULE && maxLayer > 0) {
            chart.addSubtitle(colourBar(depth, "layer (depth)", true));
        }
        return chart;
    }

    /** The layer × checkpoint heatmap of {@code h}: layers down (L0 at the top), checkpoints across. */
    public static JFreeChart heatmap(SeriesPlots.Heatmap h) {
        double[][] z = h.z();
        int cells = 0;
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double[] row : z) {
            cells += row.length;
            for (double v : row) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        double[][] xyz = new double[3][cells];
        int k = 0;
        for (int row = 0; row < z.length; row++) {
            for (int col = 0; col < z[row].length; col++) {
                xyz[0][k] = col;
                xyz[1][k] = row;
                xyz[2][k++] = z[row][col];
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries(h.quantity().name(), xyz);
        SymbolAxis x = new SymbolAxis(h.columnAxis(), h.columnLabels().toArray(String[]::new));
        x.setGridBandsVisible(false);
        x.setVerticalTickLabels(h.columnLabels().size() > 6);
        SymbolAxis y = new SymbolAxis("layer", h.rowLabels().toArray(String[]::new));
        y.setGridBandsVisible(false);
        y.setInverted(true);
        if (!(lo <= hi)) {
            lo = 0;
            hi = 1;
        } else if (!(hi > lo)) {
            hi = lo + Math.max(1e-12, Math.abs(lo) * 1e-6);
        }
        ReportCharts.ViridisScale scale = new ReportCharts.ViridisScale(lo, hi, ReportCharts.MISSING);
        XYBlockRenderer r = new XYBlockRenderer();
        r.setPaintScale(scale);
        r.setBlockWidth(0.96);
        r.setBlockHeight(0.96);
        r.setBlockAnchor(RectangleAnchor.CENTER);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        JFreeChart chart = ReportCharts.chart(h.quantity().name() + " — module " + h.module() + ", layer × " + h.columnAxis(),
                plot, false);
        chart.addSubtitle(colourBar(scale, h.quantity().name(), false));
        return chart;
    }

    private static PaintScaleLegend colourBar(ReportCharts.ViridisScale scale, String label, boolean integers) {
        NumberAxis axis = new NumberAxis(label);
        axis.setRange(scale.getLowerBound(), scale.getUpperBound());
        if (integers) {
            axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        }
        axis.setTickLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        axis.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        PaintScaleLegend legend = new PaintScaleLegend(scale, axis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        legend.setMargin(new RectangleInsets(8, 8, 8, 8));
        legend.setStripWidth(14);
        legend.setBackgroundPaint(Color.WHITE);
        return legend;
    }

    private static String scopeTitle(SeriesPlots.Scope s) {
        return switch (s.kind()) {
            case MATRIX -> s.value();
            case MODULE -> "module " + s.value() + ", one line per layer";
            case LAYER -> "layer " + s.value() + ", one line per module";
        };
    }
}
