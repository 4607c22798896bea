package dev.rankscope.views.fx;

import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.text.Text;

/**
 * Keeps a constrained-resize table readable in a narrow window (1280×800 with the explorer and
 * details panels open): every column gets a minimum width — its header text, or
 * {@value #MIN_FRACTION} of its preferred width if that is wider — so the columns stop shrinking
 * there and the table scrolls horizontally instead of eliding every header to "…" (JavaFX 20+
 * constrained policies honour minimum widths). FX thread only.
 */
public final class ReadableColumns {
    /** Share of a column's preferred width it may shrink to. */
    public static final double MIN_FRACTION = 0.7;
    /** Header padding and sort-arrow room, pixels. */
    private static final double HEADER_PADDING = 18;

    private ReadableColumns() {
    }

    /** Sets the minimum widths of {@code table}'s current columns (call after adding them). */
    public static void apply(TableView<?> table) {
        for (TableColumn<?, ?> c : table.getColumns()) {
            double header = new Text(c.getText() == null ? "" : c.getText()).getLayoutBounds().getWidth() + HEADER_PADDING;
            c.setMinWidth(Math.max(c.getMinWidth(), Math.max(header, c.getPrefWidth() * MIN_FRACTION)));
        }
    }
}
