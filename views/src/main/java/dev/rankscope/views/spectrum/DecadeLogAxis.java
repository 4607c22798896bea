package dev.rankscope.views.spectrum;

import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.ui.RectangleEdge;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;

/**
 * A log axis labelled at whole decades (10⁻², 10⁰ …, never 10^-0.2 steps) when it spans two decades or more, and at
 * tenths to halves of a decade when it spans less: with decades only, a narrow range (one attention head's σ, an
 * error spectrum within one decade) showed an axis with one label or none. No JavaFX: also used headless.
 */
public final class DecadeLogAxis extends LogAxis {
    private static final long serialVersionUID = 1L;
    private static final TickUnits DECADES = units(1, 2, 3, 5, 10, 20);
    private static final TickUnits FRACTIONS = units(0.1, 0.2, 0.25, 0.5, 1);

    public DecadeLogAxis(String label) {
        super(label);
        setSmallestValue(1e-30);
        setMinorTickMarksVisible(true);
        setStandardTickUnits(DECADES);
    }

    private static TickUnits units(double... steps) {
        TickUnits units = new TickUnits();
        for (double step : steps) {
            units.add(new NumberTickUnit(step));
        }
        return units;
    }

    @Override
    protected void selectAutoTickUnit(Graphics2D g2, Rectangle2D dataArea, RectangleEdge edge) {
        TickUnits wanted = calculateLog(getUpperBound()) - calculateLog(getLowerBound()) >= 2 ? DECADES : FRACTIONS;
        if (getStandardTickUnits() != wanted) {
            setStandardTickUnits(wanted);   // changes only when the range crosses two decades: no redraw loop
        }
        super.selectAutoTickUnit(g2, dataArea, edge);
    }
}
