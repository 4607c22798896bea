package dev.rankscope.views.budget;

import dev.rankscope.views.charts.PictureExporter;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

/**
 * One heatmap of the reconstruction preview: a grid of values painted blue (negative) – white
 * (0) – red (positive) on a symmetric scale shared by the three panels, so the residual's
 * smallness is visible. FX thread only.
 */
public final class HeatmapView extends VBox {
    private static final double SIDE = 220;
    private final ImageView image = new ImageView();
    private final Label caption = new Label();

    public HeatmapView(String id, String title) {
        setId(id);
        image.setId(id + "-image");
        caption.setText(title);
        image.setFitWidth(SIDE);
        image.setFitHeight(SIDE);
        image.setPreserveRatio(true);
        image.setSmooth(false);
        setAlignment(Pos.TOP_CENTER);
        setSpacing(4);
        getChildren().addAll(caption, image);
    }

    /**
     * Adds "Export as PNG/SVG…" to the heatmap's context menu: the cells at a chosen size, with
     * the caption. FX thread only.
     */
    public void enableExport(PictureExporter exporter, String fileStem) {
        exporter.install(image, fileStem, () -> PictureExporter.raster(image.getImage(), caption.getText()));
    }

    /** Shows {@code values} (row-major rows×cols) at colour scale ±{@code scale}; null clears. */
    public void show(double[] values, int rows, int cols, double scale, String title) {
        caption.setText(title);
        if (values == null) {
            image.setImage(null);
            return;
        }
        WritableImage img = new WritableImage(cols, rows);
        PixelWriter w = img.getPixelWriter();
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                w.setColor(j, i, colour(values[i * cols + j] / scale));
            }
        }
        image.setImage(img);
    }

    /** Diverging colour for t in [−1, 1] (clamped). */
    static Color colour(double t) {
        double c = Math.max(-1, Math.min(1, Double.isFinite(t) ? t : 0));
        double a = Math.sqrt(Math.abs(c));
        return c >= 0 ? Color.color(1, 1 - 0.8 * a, 1 - 0.85 * a) : Color.color(1 - 0.85 * a, 1 - 0.6 * a, 1);
    }
}
