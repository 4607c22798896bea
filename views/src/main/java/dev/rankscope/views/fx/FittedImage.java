package dev.rankscope.views.fx;

import javafx.geometry.Orientation;
import javafx.scene.image.ImageView;
import javafx.scene.layout.Region;

/**
 * An image view in a square box that shrinks with its pane: at most {@code side} pixels, narrower when the pane
 * is (the Learn tab's three 200-pixel images made it scroll sideways in a 1280-pixel window). The image keeps
 * its aspect ratio inside the box. FX thread only.
 */
public final class FittedImage extends Region {
    private static final double MIN = 48;
    private final ImageView view;
    private final double side;

    public FittedImage(ImageView view, double side) {
        this.view = view;
        this.side = side;
        view.setPreserveRatio(true);
        getChildren().add(view);
    }

    /** The image view inside (its id, picture export and image stay on it). */
    public ImageView view() {
        return view;
    }

    @Override
    public Orientation getContentBias() {
        return Orientation.HORIZONTAL;
    }

    @Override
    protected double computeMinWidth(double height) {
        return MIN;
    }

    @Override
    protected double computePrefWidth(double height) {
        return side;
    }

    /** As tall as wide: a short window scrolls rather than squeezing the image. */
    @Override
    protected double computeMinHeight(double width) {
        return computePrefHeight(width);
    }

    @Override
    protected double computePrefHeight(double width) {
        return width < 0 ? side : Math.max(MIN, Math.min(side, width));
    }

    @Override
    protected double computeMaxWidth(double height) {
        return side;
    }

    @Override
    protected void layoutChildren() {
        double s = Math.max(1, Math.min(side, Math.min(getWidth(), getHeight())));
        if (view.getFitWidth() != s || view.getFitHeight() != s) {
            view.setFitWidth(s);
            view.setFitHeight(s);
        }
        view.relocate(0, 0);
    }
}
