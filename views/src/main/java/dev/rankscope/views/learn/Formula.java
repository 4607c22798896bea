package dev.rankscope.views.learn;

import javafx.scene.text.Font;
import javafx.scene.text.FontPosture;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a formula written in a tiny markup, LaTeX-free, as a {@link TextFlow} of Unicode text:
 * {@code _{…}} is a subscript, {@code ^{…}} a superscript (smaller and shifted), everything else
 * is plain Unicode (Σ, σ, ‖, √, ≤ …). Single-letter Latin variables are set in italics. No nesting.
 */
public final class Formula {
    private static final double SIZE = 17;

    private Formula() {
    }

    /** A new formula node for {@code markup}. FX thread only. */
    public static TextFlow of(String markup) {
        TextFlow flow = new TextFlow();
        flow.getStyleClass().add("learn-formula");
        flow.getChildren().addAll(parse(markup));
        return flow;
    }

    static List<Text> parse(String markup) {
        List<Text> out = new ArrayList<>();
        StringBuilder plain = new StringBuilder();
        int i = 0;
        while (i < markup.length()) {
            char c = markup.charAt(i);
            if ((c == '_' || c == '^') && i + 1 < markup.length() && markup.charAt(i + 1) == '{') {
                int end = markup.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unclosed " + c + "{ in formula: " + markup);
                }
                flush(plain, out);
                Text t = new Text(markup.substring(i + 2, end));
                t.setFont(Font.font("Serif", FontPosture.ITALIC, SIZE * 0.68));
                t.setTranslateY(c == '_' ? SIZE * 0.22 : -SIZE * 0.38);
                t.getStyleClass().add(c == '_' ? "formula-sub" : "formula-sup");
                out.add(t);
                i = end + 1;
            } else {
                plain.append(c);
                i++;
            }
        }
        flush(plain, out);
        return out;
    }

    private static void flush(StringBuilder plain, List<Text> out) {
        if (plain.length() == 0) {
            return;
        }
        Text t = new Text(plain.toString());
        t.setFont(Font.font("Serif", SIZE));
        t.getStyleClass().add("formula-text");
        out.add(t);
        plain.setLength(0);
    }
}
