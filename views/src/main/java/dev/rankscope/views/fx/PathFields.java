package dev.rankscope.views.fx;

import javafx.application.Platform;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.TextField;
import javafx.scene.text.Text;

/**
 * A text field holding a file path shows the path's end, the file name, while the user is not editing it (a
 * narrow field showed "/work/wt/ui/sampl" for both texts of the Budget tab's Model panel): a path longer than
 * the field is aligned right, with the caret at its end, until the field is focused. FX thread only.
 */
public final class PathFields {
    private PathFields() {
    }

    /** Shows the end of {@code field}'s text whenever the text is longer than the field and it is not focused. */
    public static void showFileName(TextField field) {
        Runnable update = () -> {
            boolean longer = !field.isFocused() && field.getWidth() > 0 && textWidth(field) > room(field);
            if (longer) {
                field.positionCaret(field.getLength());
            }
            field.setAlignment(longer ? Pos.CENTER_RIGHT : Pos.CENTER_LEFT);
        };
        // a new text, or the scene's focus moving elsewhere, puts the caret back at 0 after the listeners ran
        field.textProperty().addListener(o -> Platform.runLater(update));
        field.caretPositionProperty().addListener((o, a, caret) -> {
            if (!field.isFocused() && caret.intValue() != field.getLength()) {
                Platform.runLater(update);
            }
        });
        field.focusedProperty().addListener(o -> update.run());
        field.widthProperty().addListener(o -> update.run());
        field.fontProperty().addListener(o -> update.run());
        update.run();
    }

    private static double textWidth(TextField field) {
        Text text = new Text(field.getText() == null ? "" : field.getText());
        text.setFont(field.getFont());
        return text.getLayoutBounds().getWidth();
    }

    private static double room(TextField field) {
        Insets in = field.getInsets();
        return field.getWidth() - in.getLeft() - in.getRight();
    }
}
