package dev.rankscope.views.spectrum;

import javafx.geometry.HPos;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.VPos;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

/**
 * The header row of a {@link ChartPane}: the title, the mouse read-out and the buttons (Reset, PNG, SVG).
 * When the title and the buttons fit side by side they share one row (title left, buttons right, the
 * read-out between them); when the pane is narrower, the title takes the whole first row, wrapping
 * between words, and the read-out and the buttons go on a second row. So a narrow pane never squeezes
 * the title into a column one letter wide ("u d e r s p e r l a y e r" at 1280×800 in the Compare tab)
 * and never pushes its buttons out of the window. Its height depends on its width (horizontal content
 * bias), which the enclosing BorderPane honours.
 */
final class ChartHeader extends Region {
    private static final double GAP = 8;

    private final Label title;
    private final Label readout;
    private final HBox buttons;

    ChartHeader(Label title, Label readout, HBox buttons) {
        this.title = title;
        this.readout = readout;
        this.buttons = buttons;
        getChildren().addAll(title, readout, buttons);
        setPadding(new Insets(2, 6, 2, 6));
    }

    /** True when the title (unwrapped) and the buttons fit side by side in {@code width}. */
    boolean oneRow(double width) {
        return titleWidth() + GAP + buttonsWidth() <= width - horizontalInsets();
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    @Override
    protected double computeMinWidth(double height) {
        return horizontalInsets() + buttonsWidth();
    }

    @Override
    protected double computePrefWidth(double height) {
        return horizontalInsets() + titleWidth() + GAP + buttonsWidth();
    }

    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected double computePrefHeight(double width) {
        double w = width < 0 ? computePrefWidth(-1) : width;
        double inner = Math.max(0, w - horizontalInsets());
        Insets in = getInsets();
        if (oneRow(w)) {
            return in.getTop() + in.getBottom() + Math.max(title.prefHeight(titleWidth()), secondRowHeight());
        }
        return in.getTop() + in.getBottom() + title.prefHeight(inner) + secondRowHeight();
    }

    @Override
    protected void layoutChildren() {
        Insets in = getInsets();
        double x = in.getLeft();
        double y = in.getTop();
        double w = Math.max(0, getWidth() - horizontalInsets());
        double bw = buttonsWidth();
        if (oneRow(getWidth())) {
            double rowH = Math.max(title.prefHeight(titleWidth()), secondRowHeight());
            layoutInArea(title, x, y, titleWidth(), rowH, 0, HPos.LEFT, VPos.CENTER);
            double readoutX = x + titleWidth() + GAP;
            layoutInArea(readout, readoutX, y, Math.max(0, w - bw - GAP - (readoutX - x)), rowH, 0, HPos.LEFT, VPos.CENTER);
            layoutInArea(buttons, x + w - bw, y, bw, rowH, 0, HPos.RIGHT, VPos.CENTER);
        } else {
            double titleH = title.prefHeight(w);
            layoutInArea(title, x, y, w, titleH, 0, HPos.LEFT, VPos.CENTER);
            double rowH = secondRowHeight();
            layoutInArea(readout, x, y + titleH, Math.max(0, w - bw - GAP), rowH, 0, HPos.LEFT, VPos.CENTER);
            layoutInArea(buttons, x + w - bw, y + titleH, bw, rowH, 0, HPos.RIGHT, VPos.CENTER);
        }
    }

    private double secondRowHeight() {
        return Math.max(buttons.prefHeight(-1), readout.prefHeight(-1));
    }

    private double titleWidth() {
        return Math.ceil(title.prefWidth(-1));
    }

    private double buttonsWidth() {
        return Math.ceil(buttons.prefWidth(-1));
    }

    private double horizontalInsets() {
        Insets in = getInsets();
        return in.getLeft() + in.getRight();
    }
}
