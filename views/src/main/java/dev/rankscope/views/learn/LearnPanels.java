package dev.rankscope.views.learn;

import dev.rankscope.engine.linalg.Matrix;
import javafx.geometry.Insets;
import javafx.scene.control.Hyperlink;
import javafx.scene.control.Label;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import javafx.scene.text.Text;
import javafx.scene.text.TextFlow;

import java.util.function.Consumer;

/**
 * Pieces shared by the Learn panels: the explanation header (title, plain sentences, formula,
 * citation link) and grayscale/heat images of matrices. FX thread only.
 */
final class LearnPanels {
    private LearnPanels() {
    }

    /** Title, explanation, formula and citation, top of a panel. */
    static VBox header(String id, String title, String explanation, String formulaMarkup, Citation citation,
                       Consumer<String> openUrl) {
        Label t = new Label(title);
        t.getStyleClass().add("learn-title");
        t.setStyle("-fx-font-size: 16px; -fx-font-weight: bold;");
        Label text = new Label(explanation);
        text.setWrapText(true);
        text.getStyleClass().add("learn-explanation");
        TextFlow formula = Formula.of(formulaMarkup);
        formula.setId(id + "-formula");
        formula.setPadding(new Insets(2, 0, 2, 12));
        Hyperlink link = new Hyperlink("Open paper");
        link.setId(id + "-link");
        link.setOnAction(e -> openUrl.accept(citation.url()));
        Text cite = new Text(citation.text() + " ");
        cite.getStyleClass().add("learn-citation");
        cite.setStyle("-fx-font-size: 11px;");
        TextFlow citationFlow = new TextFlow(cite, link);
        citationFlow.setId(id + "-citation");
        VBox box = new VBox(4, t, text, formula, citationFlow);
        box.setPadding(new Insets(6, 8, 6, 8));
        return box;
    }

    /** Grayscale image of {@code m}, values mapped linearly from [lo, hi] to black..white (clamped). */
    static WritableImage grayscale(Matrix m, double lo, double hi) {
        WritableImage img = new WritableImage(m.cols(), m.rows());
        PixelWriter pw = img.getPixelWriter();
        double span = hi > lo ? hi - lo : 1;
        for (int y = 0; y < m.rows(); y++) {
            for (int x = 0; x < m.cols(); x++) {
                double v = Math.max(0, Math.min(1, (m.get(y, x) - lo) / span));
                int g = (int) Math.round(v * 255);
                pw.setArgb(x, y, 0xFF000000 | (g << 16) | (g << 8) | g);
            }
        }
        return img;
    }

    /** Residual image: 0 is mid-grey, ±{@code range} black/white. */
    static WritableImage signed(Matrix m, double range) {
        double r = range > 0 ? range : 1;
        return grayscale(m, -r, r);
    }

    /** Heat map of values in [0, 1] (white → dark blue), each cell {@code cell} pixels. */
    static WritableImage heat(double[] values, int rows, int cols, int cell) {
        WritableImage img = new WritableImage(cols * cell, rows * cell);
        PixelWriter pw = img.getPixelWriter();
        for (int j = 0; j < rows; j++) {
            for (int i = 0; i < cols; i++) {
                double v = Math.max(0, Math.min(1, values[j * cols + i]));
                Color c = Color.WHITE.interpolate(Color.web("#08306b"), v);
                for (int dy = 0; dy < cell; dy++) {
                    for (int dx = 0; dx < cell; dx++) {
                        pw.setColor(i * cell + dx, j * cell + dy, c);
                    }
                }
            }
        }
        return img;
    }

    /** Gives {@code chart} the Learn look (white plot, light grid) and returns it. */
    static org.jfree.chart.JFreeChart whiteChart(org.jfree.chart.JFreeChart chart) {
        org.jfree.chart.plot.XYPlot plot = chart.getXYPlot();
        java.awt.Color grid = new java.awt.Color(0xdd, 0xdd, 0xdd);
        plot.setBackgroundPaint(java.awt.Color.WHITE);
        plot.setRangeGridlinePaint(grid);
        plot.setDomainGridlinePaint(grid);
        chart.setBackgroundPaint(java.awt.Color.WHITE);
        return chart;
    }

    /** min and max of the entries. */
    static double[] range(Matrix m) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : m.data()) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return new double[]{lo, hi};
    }

    /** max |entry|. */
    static double maxAbs(Matrix m) {
        double a = 0;
        for (double v : m.data()) {
            a = Math.max(a, Math.abs(v));
        }
        return a;
    }
}
