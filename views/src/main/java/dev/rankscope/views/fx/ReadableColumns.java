package dev.rankscope.views.fx;

import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.text.Font;
import javafx.scene.text.FontWeight;
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
    private static final double HEADER_PADDING = 24;

    private ReadableColumns() {
    }

    /** Sets the minimum widths of {@code table}'s current columns (call after adding them). */
    public static void apply(TableView<?> table) {
        for (TableColumn<?, ?> c : table.getColumns()) {
            double header = headerWidth(c.getText() == null ? "" : c.getText());
            c.setMinWidth(Math.max(c.getMinWidth(), Math.max(header, c.getPrefWidth() * MIN_FRACTION)));
        }
    }

    /** The width a column needs to show {@code header} whole: the bold header text, its padding and the sort arrow. */
    public static double headerWidth(String header) {
        Text text = new Text(header);
        text.setFont(Font.font(Font.getDefault().getFamily(), FontWeight.BOLD, Font.getDefault().getSize()));
        return Math.ceil(text.getLayoutBounds().getWidth()) + HEADER_PADDING;
    }
}
