package dev.rankscope.views.fx;

import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.VPos;
import javafx.scene.Node;
import javafx.scene.layout.Region;

/**
 * Two blocks side by side when the pane is wide enough, the second under the first when it is not, each then as
 * wide as the pane: a panel never grows wider than a 1280-pixel window (the Learn tab scrolled sideways), and a
 * wide window still uses its width. Side by side, a fixed block keeps its preferred width and the growing one
 * takes the rest, which must be at least {@code growingMin}; with no growing block the two share the width
 * equally, each at least {@code growingMin}. Extra height goes to the growing block (the first when none grows).
 * FX thread only.
 */
public final class SideOrBelow extends Region {
    private static final double GAP = 12;
    private final Node first;
    private final Node second;
    private final Node growing;
    private final double growingMin;

    /**
     * @param growing    {@code first}, {@code second} or null (equal halves)
     * @param growingMin the narrowest the growing block (or each half) may be side by side
     */
    public SideOrBelow(Node first, Node second, Node growing, double growingMin) {
        if (growing != null && growing != first && growing != second) {
            throw new IllegalArgumentException("the growing block must be one of the two");
        }
        this.first = first;
        this.second = second;
        this.growing = growing;
        this.growingMin = growingMin;
        getChildren().addAll(first, second);
    }

    /** Whether the two lie side by side at the pane's {@code width} (with insets). */
    public boolean sideBySide(double width) {
        double inner = width - horizontal();
        if (growing == null) {
            return inner >= 2 * growingMin + GAP;
        }
        Node fixed = growing == first ? second : first;
        return inner >= growingMin + GAP + fixed.prefWidth(-1);
    }

    /** Widths of first and second side by side in {@code inner} pixels. */
    private double[] widths(double inner) {
        if (growing == null) {
            double half = (inner - GAP) / 2;
            return new double[] {half, half};
        }
        Node fixed = growing == first ? second : first;
        double fixedWidth = Math.min(fixed.prefWidth(-1), inner);
        double rest = inner - GAP - fixedWidth;
        return growing == first ? new double[] {rest, fixedWidth} : new double[] {fixedWidth, rest};
    }

    private double horizontal() {
        Insets in = getInsets();
        return in.getLeft() + in.getRight();
    }

    private double vertical() {
        Insets in = getInsets();
        return in.getTop() + in.getBottom();
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    @Override
    protected double computeMinWidth(double height) {
        return horizontal() + Math.max(first.minWidth(-1), second.minWidth(-1));
    }

    @Override
    protected double computePrefWidth(double height) {
        double a = first.prefWidth(-1);
        double b = second.prefWidth(-1);
        return horizontal() + GAP + (growing == null ? 2 * Math.max(a, b) : a + b);
    }

    @Override
    protected double computePrefHeight(double width) {
        return height(width, false);
    }

    @Override
    protected double computeMinHeight(double width) {
        return height(width, true);
    }

    private double height(double width, boolean min) {
        double w = width < 0 ? computePrefWidth(-1) : width;
        double inner = w - horizontal();
        if (sideBySide(w)) {
            double[] ws = widths(inner);
            return vertical() + Math.max(height(first, ws[0], min), height(second, ws[1], min));
        }
        return vertical() + height(first, inner, min) + GAP + height(second, inner, min);
    }

    private static double height(Node n, double width, boolean min) {
        return min ? n.minHeight(width) : n.prefHeight(width);
    }

    @Override
    protected void layoutChildren() {
        Insets in = getInsets();
        double x = in.getLeft();
        double y = in.getTop();
        double w = getWidth() - horizontal();
        double h = getHeight() - vertical();
        if (sideBySide(getWidth())) {
            double[] ws = widths(w);
            place(first, x, y, ws[0], h);
            place(second, x + ws[0] + GAP, y, ws[1], h);
            return;
        }
        double firstHeight = first.prefHeight(w);
        double secondHeight = second.prefHeight(w);
        double extra = Math.max(0, h - firstHeight - GAP - secondHeight);
        if (growing == second) {
            secondHeight += extra;
        } else {
            firstHeight += extra;
        }
        place(first, x, y, w, firstHeight);
        place(second, x, y + firstHeight + GAP, w, secondHeight);
    }

    private void place(Node n, double x, double y, double w, double h) {
        boolean fill = n == growing || growing == null;
        layoutInArea(n, x, y, w, h, 0, Insets.EMPTY, true, fill, HPos.LEFT, VPos.TOP);
    }
}
