package dev.rankscope.views.details;

import javafx.beans.value.ObservableValue;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.text.Font;
import javafx.scene.text.Text;

import java.util.ArrayList;
import java.util.List;

/**
 * Wraps module names at their '.', '_' and '/' ("model.embed_tokens." / "weight"): JavaFX wraps text at spaces only,
 * so the Details panel broke names mid-word ("model.embed_tok" / "ens"). The label's text gets line breaks for its
 * current width, recomputed when the width changes; a part too long for a line is left to JavaFX's own wrapping.
 * FX thread only.
 */
final class NameWrap {
    private NameWrap() {
    }

    /** Shows {@code value} in {@code label}, wrapped at name boundaries for the label's width, now and on changes. */
    static void install(Label label, ObservableValue<String> value) {
        label.setWrapText(true);
        label.setMinWidth(0);
        Runnable update = () -> {
            Insets in = label.getInsets();
            double width = label.getWidth() - in.getLeft() - in.getRight();
            String text = value.getValue() == null ? "" : value.getValue();
            label.setText(width > 0 ? lines(text, label.getFont(), width) : text);
        };
        label.widthProperty().addListener((o, a, b) -> update.run());
        label.fontProperty().addListener((o, a, b) -> update.run());
        value.addListener((o, a, b) -> update.run());
        update.run();
    }

    /** {@code text} with a line break before each part that would not fit on the line in {@code font} at {@code width}. */
    static String lines(String text, Font font, double width) {
        Text measure = new Text();
        measure.setFont(font);
        StringBuilder out = new StringBuilder();
        String line = "";
        for (String part : parts(text)) {
            measure.setText(line + part);
            if (!line.isEmpty() && measure.getLayoutBounds().getWidth() > width) {
                out.append(line).append('\n');
                line = part;
            } else {
                line += part;
            }
        }
        return out.append(line).toString();
    }

    /** {@code text} cut after each '.', '_' and '/' that joins two parts of a name (not inside a number such as 0.723). */
    static List<String> parts(String text) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        for (int i = 1; i + 1 < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '.' || c == '_' || c == '/') && Character.isLetterOrDigit(text.charAt(i - 1))
                    && Character.isLetter(text.charAt(i + 1))) {
                parts.add(text.substring(start, i + 1));
                start = i + 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
