package dev.rankscope.views.spectrum;

import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.Locale;

/**
 * The ESD chart's two dashed lines (SPEC §2): the power-law tail's xmin, labelled with α, and the
 * Marchenko–Pastur bulk edge λ+. Both labels sit inside the plot at its top, one row each (xmin first,
 * λ+ under it), on the side of their line that has room ({@link RankMarkers#fitSide}): the λ+ label once
 * sat on the x-axis among the tick labels, and the two overprint when xmin and λ+ are close. The labels are
 * written at one size, without subscript glyphs (a "λ₊" drew its plus sign a few pixels high).
 * No JavaFX: also used headless.
 */
final class EsdMarkers {
    private static final Font FONT = new Font(Font.SANS_SERIF, Font.BOLD, 10);

    private EsdMarkers() {
    }

    /**
     * Replaces the domain markers of {@code plot}: xmin (with α) when {@code xmin} is a positive number, λ+ when
     * {@code mpEdge} is; {@code labelBackground} behind each label (the bars run under it).
     */
    static void apply(XYPlot plot, double xmin, double alpha, double mpEdge, Color tailPaint, Color mpPaint,
                      Color labelBackground) {
        plot.clearDomainMarkers();
        int row = 0;
        if (Double.isFinite(xmin) && xmin > 0) {
            plot.addDomainMarker(marker(xmin, String.format(Locale.ROOT, "xmin  (α = %.2f)", alpha), tailPaint,
                    labelBackground, row++));
        }
        if (Double.isFinite(mpEdge) && mpEdge > 0) {
            plot.addDomainMarker(marker(mpEdge, "MP bulk edge λ+", mpPaint, labelBackground, row));
        }
    }

    private static ValueMarker marker(double value, String label, Color paint, Color background, int row) {
        ValueMarker m = new ValueMarker(value, paint, SpectrumView.dashed(1.2f));
        m.setLabel(label);
        m.setLabelPaint(paint);
        m.setLabelFont(FONT);
        m.setLabelBackgroundColor(background);
        int top = 4 + RankMarkers.ROW_PITCH * row;
        m.setLabelOffset(new RectangleInsets(top, RankMarkers.GAP, top, RankMarkers.GAP));
        m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
        RankMarkers.side(m, true);
        return m;
    }

    /** The histogram's bar renderer, whose marker labels go to the side of their line with room. */
    static XYBarRenderer barRenderer() {
        XYBarRenderer bars = new XYBarRenderer() {
            private static final long serialVersionUID = 1L;

            @Override
            public void drawDomainMarker(Graphics2D g2, XYPlot plot, ValueAxis domainAxis, Marker marker,
                                         Rectangle2D dataArea) {
                RankMarkers.fitSide(g2, plot, domainAxis, marker, dataArea);
                super.drawDomainMarker(g2, plot, domainAxis, marker, dataArea);
            }
        };
        bars.setUseYInterval(true);
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setDrawBarOutline(false);
        return bars;
    }
}
