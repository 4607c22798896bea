package dev.rankscope.views.workbench;

import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;

/**
 * One centre tab of the workbench (Spectrum, Layer map, Metrics table; later Budget, Compare,
 * Learn). Each tab is one view class over its own ViewModel; the main window only lists them.
 */
public interface WorkbenchTab {
    /** Tab title. */
    String title();

    /** The tab's content node. */
    Node content();

    /**
     * Called once by {@link WorkbenchView#addTab} with whether this tab is the selected one, for
     * tabs that compute only while on screen. FX thread only. Default: ignored.
     */
    default void bindShown(ObservableBooleanValue shown) {
    }
}
