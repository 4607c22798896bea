package dev.rankscope.views.compare;

import dev.rankscope.analysis.naming.ModuleType;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.PaintScale;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Paint;
import java.util.List;

/**
 * Shared look of the Compare tab's JFreeChart charts: one colour per module type (the same in the
 * bar chart's legend everywhere), the base/tuned/ΔW series colours, the ε line and the heatmap's
 * 0–1 colour scale. Stateless; charts are built and mutated on the FX thread only.
 */
final class CompareCharts {
    static final Color BASE = new Color(0x4c, 0x72, 0xb0);
    static final Color TUNED = new Color(0xdd, 0x84, 0x52);
    static final Color DELTA = new Color(0x55, 0xa8, 0x68);
    static final Color EPSILON = new Color(0xc0, 0x39, 0x2b);
    static final BasicStroke THIN = new BasicStroke(1.6f);

    private static final Color[] PALETTE = {
        new Color(0x1f, 0x77, 0xb4), new Color(0xff, 0x7f, 0x0e), new Color(0x2c, 0xa0, 0x2c),
        new Color(0xd6, 0x27, 0x28), new Color(0x94, 0x67, 0xbd), new Color(0x8c, 0x56, 0x4b),
        new Color(0xe3, 0x77, 0xc2), new Color(0x7f, 0x7f, 0x7f), new Color(0xbc, 0xbd, 0x22),
        new Color(0x17, 0xbe, 0xcf), new Color(0x39, 0x3b, 0x79), new Color(0xad, 0x49, 0x4a),
        new Color(0x63, 0x79, 0x39)};

    private CompareCharts() {
    }

    /** The colour of {@code module} in every Compare chart. */
    static Color colour(ModuleType module) {
        return PALETTE[module.ordinal() % PALETTE.length];
    }

    /** Colours series {@code i} of {@code renderer} by module. */
    static void colourByModule(XYItemRenderer renderer, List<ModuleType> modules) {
        for (int i = 0; i < modules.size(); i++) {
            renderer.setSeriesPaint(i, colour(modules.get(i)));
        }
    }

    /** A chart without JFreeChart's own title (the ChartPane header carries it). */
    static JFreeChart chart(XYPlot plot, boolean legend) {
        JFreeChart chart = new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, legend);
        chart.setAntiAlias(true);
        return chart;
    }

    /** Sets a fixed range on {@code axis} (turning auto-range off). */
    static void fixRange(ValueAxis axis, double lower, double upper) {
        axis.setAutoRange(false);
        axis.setRange(lower, upper);
    }

    /**
     * Heatmap scale for |cos| ∈ [0, 1]: near-white at 0 through blue to near-black at 1, so aligned
     * vectors (cos ≈ 1) stand out dark and an intruder row stays pale.
     */
    static final class CosineScale implements PaintScale {
        private static final float[][] STOPS = {
            {0.00f, 0.97f, 0.98f, 1.00f}, {0.25f, 0.74f, 0.84f, 0.93f}, {0.50f, 0.42f, 0.68f, 0.84f},
            {0.75f, 0.13f, 0.44f, 0.71f}, {1.00f, 0.03f, 0.19f, 0.42f}};

        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public Paint getPaint(double value) {
            double v = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
            for (int s = 1; s < STOPS.length; s++) {
                if (v <= STOPS[s][0]) {
                    float[] a = STOPS[s - 1];
                    float[] b = STOPS[s];
                    float t = (float) ((v - a[0]) / (b[0] - a[0]));
                    return new Color(a[1] + t * (b[1] - a[1]), a[2] + t * (b[2] - a[2]), a[3] + t * (b[3] - a[3]));
                }
            }
            float[] last = STOPS[STOPS.length - 1];
            return new Color(last[1], last[2], last[3]);
        }
    }
}
