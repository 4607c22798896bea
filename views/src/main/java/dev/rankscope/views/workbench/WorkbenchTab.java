package dev.rankscope.views.workbench;

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
}
