package dev.rankscope.views.fx;

import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;

/**
 * The one look of "nothing here yet — do this" in every tab: an italic line ({@code .placeholder} in the
 * theme) in a box that is still empty, or a card ({@code .overlay-hint}: opaque, bordered) lying over
 * empty charts so that axes and grid lines do not run through the words. Both wrap between words.
 * FX thread only.
 */
public final class EmptyHint {
    private EmptyHint() {
    }

    /** An italic hint line that wraps, for a box that is still empty. */
    public static Label line(String id, String text) {
        Label hint = new Label(text);
        hint.setId(id);
        hint.getStyleClass().add("placeholder");
        hint.setWrapText(true);
        return hint;
    }

    /**
     * A hint card at most {@code maxWidth} px wide, laid over empty charts; clicks go through it to the
     * charts. The caller binds its visibility to "still empty".
     */
    public static Label card(String id, String text, double maxWidth) {
        Label hint = line(id, text);
        hint.getStyleClass().add("overlay-hint");
        hint.setMaxWidth(maxWidth);
        hint.setMouseTransparent(true);
        return hint;
    }

    /** {@code content} (an empty chart) under a {@link #card} that shows while {@code empty} holds. */
    public static StackPane over(Node content, String id, String text, double maxWidth, ObservableBooleanValue empty) {
        Label hint = card(id, text, maxWidth);
        hint.visibleProperty().bind(empty);
        return new StackPane(content, hint);
    }
}
