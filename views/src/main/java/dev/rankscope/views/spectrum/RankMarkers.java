package dev.rankscope.views.spectrum;

import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.Marker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.util.List;

/**
 * The r90/r95/r99 crossing ranks on the cumulative-energy chart (SPEC §1): one dashed vertical line per
 * rank, labelled "r90 = 11". Each label has its own row above the axis (so close ranks, e.g. MiniLM's
 * r90 = 11 and r95 = 13, never overprint) and is drawn on the side of its line that has room inside the
 * plot: left of the line by default (r99 near p stays inside), right of it when the rank is too close to
 * the left edge to fit (small ranks would otherwise run over the axis). No JavaFX: also used headless.
 */
final class RankMarkers {
    /** The labels' names, in the order of the crossings. */
    static final List<String> NAMES = List.of("r90", "r95", "r99");
    /** Pixels between two label rows (the bold 10-pt labels are about 12 px high). */
    static final int ROW_PITCH = 14;
    static final int GAP = 3;

    private RankMarkers() {
    }

    /** Replaces the domain markers of {@code plot} by the crossing-rank markers of {@code crossings} (r90, r95, r99). */
    static void apply(XYPlot plot, List<Integer> crossings, Color paint) {
        plot.clearDomainMarkers();
        for (int i = 0; i < crossings.size() && i < NAMES.size(); i++) {
            ValueMarker m = new ValueMarker(crossings.get(i), paint, SpectrumView.dashed(1.2f));
            m.setLabel(NAMES.get(i) + " = " + crossings.get(i));
            m.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 10));
            m.setLabelPaint(paint);
            m.setLabelBackgroundColor(new Color(0, 0, 0, 0));
            int row = 4 + ROW_PITCH * i;
            m.setLabelOffset(new RectangleInsets(row, GAP, row, GAP));
            m.setLabelAnchor(RectangleAnchor.BOTTOM_LEFT);   // rows above the x-axis (a new marker's anchor is TOP_LEFT)
            side(m, true);
            plot.addDomainMarker(m);
        }
    }

    /** A line renderer whose domain-marker labels go to the side of their line that fits inside the data area. */
    static XYLineAndShapeRenderer renderer() {
        return new XYLineAndShapeRenderer(true, false) {
            private static final long serialVersionUID = 1L;

            @Override
            public void drawDomainMarker(Graphics2D g2, XYPlot plot, ValueAxis domainAxis, Marker marker,
                                         Rectangle2D dataArea) {
                fitSide(g2, plot, domainAxis, marker, dataArea);
                super.drawDomainMarker(g2, plot, domainAxis, marker, dataArea);
            }
        };
    }

    /**
     * Before a renderer draws {@code marker}: puts its label on the side of its line that has room inside
     * {@code dataArea} (left by default), keeping the label's row (top or bottom).
     */
    static void fitSide(Graphics2D g2, XYPlot plot, ValueAxis domainAxis, Marker marker, Rectangle2D dataArea) {
        if (marker instanceof ValueMarker vm && vm.getLabel() != null && plot.getOrientation() == PlotOrientation.VERTICAL) {
            double x = domainAxis.valueToJava2D(vm.getValue(), dataArea, plot.getDomainAxisEdge());
            double width = g2.getFontMetrics(vm.getLabelFont()).stringWidth(vm.getLabel()) + 2 * GAP;
            boolean leftFits = x - width >= dataArea.getMinX();
            boolean rightFits = x + width <= dataArea.getMaxX();
            side(vm, leftFits || !rightFits && x - dataArea.getMinX() >= dataArea.getMaxX() - x);
        }
    }

    /**
     * Puts the label left (or right) of its line, in its row at the plot's top or bottom; changes the marker only
     * when the side changes (no redraw loop).
     */
    static void side(ValueMarker m, boolean left) {
        boolean top = m.getLabelAnchor() == RectangleAnchor.TOP_LEFT || m.getLabelAnchor() == RectangleAnchor.TOP_RIGHT;
        RectangleAnchor anchor = top ? (left ? RectangleAnchor.TOP_LEFT : RectangleAnchor.TOP_RIGHT)
                : left ? RectangleAnchor.BOTTOM_LEFT : RectangleAnchor.BOTTOM_RIGHT;
        TextAnchor text = top ? (left ? TextAnchor.TOP_RIGHT : TextAnchor.TOP_LEFT)
                : left ? TextAnchor.BOTTOM_RIGHT : TextAnchor.BOTTOM_LEFT;
        if (m.getLabelAnchor() != anchor) {
            m.setLabelAnchor(anchor);
        }
        if (m.getLabelTextAnchor() != text) {
            m.setLabelTextAnchor(text);
        }
    }
}
