package dev.rankscope.views.fx;

import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Region;

/**
 * Tool bars that stay whole in a narrow window: controls that belong together (a label and its field,
 * a field and its button) form a group kept on one line at their preferred widths, and a bar of groups
 * wraps group by group. A bar's minimum width is then its widest group, so a tab never grows wider
 * than the window and no button ends up cut off at its side.
 */
public final class KeptTogether {
    private KeptTogether() {
    }

    /** Controls kept on one line at their preferred widths; {@code id} may be null. */
    public static HBox group(String id, Node... nodes) {
        HBox box = new HBox(6, nodes);
        box.setId(id);
        box.setAlignment(Pos.CENTER_LEFT);
        for (Node n : nodes) {
            if (n instanceof Region r) {
                r.setMinWidth(Region.USE_PREF_SIZE);
            }
        }
        box.setMinWidth(Region.USE_PREF_SIZE);
        return box;
    }

    /** A bar of groups that wraps onto further lines, group by group, when the window is narrow. */
    public static FlowPane wrapping(Node... groups) {
        FlowPane bar = new FlowPane(12, 4, groups);
        bar.setAlignment(Pos.CENTER_LEFT);
        return bar;
    }
}
