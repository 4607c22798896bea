package dev.rankscope.views.spectrum;

import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.Tick;
import org.jfree.chart.axis.TickType;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.util.AttrStringUtils;

import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.font.TextAttribute;
import java.awt.geom.Rectangle2D;
import java.text.AttributedString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A log axis whose labels never crowd: whole decades (10⁻², 10⁰ …) over a long range, round numbers (0.1 0.2 0.5 1 2,
 * or 0.15 0.2 0.25) over a short one, with at least {@link LogTicks#LABEL_GAP} px between neighbouring labels measured
 * with the tick label font on the axis's real length ({@link LogTicks} chooses). JFreeChart's own choice labelled a
 * 1.5-decade scree axis at every tenth of a decade (10^0.4, 10^0.3 … 10^-1.1, 17 px apart) and a range within one
 * decade with one label or none. No JavaFX: also used headless.
 */
public final class DecadeLogAxis extends LogAxis {
    private static final long serialVersionUID = 1L;

    public DecadeLogAxis(String label) {
        super(label);
        setSmallestValue(1e-30);
        setMinorTickMarksVisible(true);
    }

    @Override
    @SuppressWarnings("rawtypes")
    public List refreshTicks(Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
        Font font = getTickLabelFont();
        g2.setFont(font);
        boolean vertical = RectangleEdge.isLeftOrRight(edge);
        RectangleInsets insets = getTickLabelInsets();
        double padding = vertical ? insets.getTop() + insets.getBottom() : insets.getLeft() + insets.getRight();
        Map<LogTicks.Label, Double> extents = new HashMap<>();
        LogTicks.Geometry geometry = new LogTicks.Geometry() {
            @Override
            public double length() {
                return vertical ? dataArea.getHeight() : dataArea.getWidth();
            }

            @Override
            public double position(double value) {
                return valueToJava2D(value, dataArea, edge);
            }

            @Override
            public double extent(LogTicks.Label label) {
                return extents.computeIfAbsent(label, l -> {
                    Rectangle2D bounds = AttrStringUtils.getTextBounds(text(l, font), g2);
                    return padding + (vertical ? bounds.getHeight() : bounds.getWidth());
                });
            }
        };
        double lo = Math.max(getSmallestValue(), getLowerBound());
        LogTicks.Layout layout = LogTicks.choose(lo, getUpperBound(), geometry);
        TextAnchor anchor = edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER
                : edge == RectangleEdge.BOTTOM ? TextAnchor.TOP_CENTER
                : edge == RectangleEdge.RIGHT ? TextAnchor.CENTER_LEFT : TextAnchor.CENTER_RIGHT;
        List<Tick> ticks = new ArrayList<>();
        for (LogTicks.Tick t : layout.major()) {
            ticks.add(new LogTick(TickType.MAJOR, t.value(), text(t.label(), font), anchor));
        }
        for (double v : layout.minor()) {
            ticks.add(new LogTick(TickType.MINOR, v, null, anchor));
        }
        return ticks;
    }

    /** {@code label} in {@code font}, its exponent raised as JFreeChart writes 10ⁿ. */
    static AttributedString text(LogTicks.Label label, Font font) {
        String all = label.exponent() == null ? label.text() : label.text() + label.exponent();
        AttributedString s = new AttributedString(all);
        s.addAttributes(font.getAttributes(), 0, all.length());
        if (label.exponent() != null) {
            s.addAttribute(TextAttribute.SUPERSCRIPT, TextAttribute.SUPERSCRIPT_SUPER, label.text().length(), all.length());
        }
        return s;
    }
}
