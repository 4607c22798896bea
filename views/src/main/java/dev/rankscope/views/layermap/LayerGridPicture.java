package dev.rankscope.views.layermap;

import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.Picture;
import dev.rankscope.views.model.Metric;
import javafx.scene.paint.Color;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.RoundRectangle2D;

/**
 * The layer map as an exportable picture: the same grid as {@link LayerMapView} (row labels, one
 * column per module type, cells coloured by {@link ColorScale} with their value printed) and the
 * legend line, drawn with Java2D so it scales to any export size and becomes vector SVG. Cells
 * share the area left after the labels; text scales with the cell height.
 *
 * @param grid the layer map to draw (immutable)
 */
public record LayerGridPicture(LayerGrid grid) implements Picture {
    private static final java.awt.Color BACKGROUND = java.awt.Color.WHITE;
    private static final java.awt.Color TEXT = new java.awt.Color(0x22, 0x22, 0x22);
    /** Gap between cells as a fraction of the cell height. */
    private static final double GAP = 0.08;

    @Override
    public void draw(Graphics2D g, ChartSize size) {
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, size.width(), size.height());
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        int rows = Math.max(1, grid.rows().size());
        int cols = Math.max(1, grid.columns().size());
        double margin = Math.min(size.width(), size.height()) * 0.03;
        // rows: header, layers, legend
        double cellH = (size.height() - 2 * margin) / (rows + 2);
        float pt = (float) Math.max(6, Math.min(cellH * 0.45, 40));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.round(pt)));
        FontMetrics fm = g.getFontMetrics();
        double labelW = fm.stringWidth("layer " + grid.rows().stream().mapToInt(Integer::intValue).max().orElse(0)) + pt;
        double cellW = (size.width() - 2 * margin - labelW) / cols;
        double gap = cellH * GAP;
        double x0 = margin + labelW;
        double y0 = margin + cellH;
        for (int c = 0; c < grid.columns().size(); c++) {
            centred(g, fm, grid.columns().get(c).label(), x0 + c * cellW + cellW / 2, margin + cellH / 2, TEXT);
        }
        for (int r = 0; r < grid.rows().size(); r++) {
            int layer = grid.rows().get(r);
            double y = y0 + r * cellH;
            g.setColor(TEXT);
            String label = layer >= 0 ? "layer " + layer : "model";
            g.drawString(label, (float) (x0 - pt / 2 - fm.stringWidth(label)),
                    (float) (y + cellH / 2 + fm.getAscent() / 2.0 - 1));
            for (int c = 0; c < grid.columns().size(); c++) {
                LayerGrid.Cell cell = grid.cell(layer, grid.columns().get(c));
                if (cell == null) {
                    continue;
                }
                Color fill = ColorScale.at(grid.normalised(cell.value()));
                g.setColor(awt(fill));
                g.fill(new RoundRectangle2D.Double(x0 + c * cellW + gap / 2, y + gap / 2, cellW - gap, cellH - gap,
                        gap * 2, gap * 2));
                if (!Double.isNaN(cell.value())) {
                    centred(g, fm, grid.metric().format(cell.value()), x0 + c * cellW + cellW / 2, y + cellH / 2,
                            ColorScale.prefersDarkText(fill) ? TEXT : java.awt.Color.WHITE);
                }
            }
        }
        String legend = grid.metric().label() + ":  " + Metric.formatValue(grid.min()) + " (dark) … "
                + Metric.formatValue(grid.max()) + " (yellow);  grey = not analysed / n.a.";
        g.setColor(TEXT);
        g.drawString(legend, (float) margin, (float) (y0 + rows * cellH + cellH / 2 + fm.getAscent() / 2.0));
    }

    private static void centred(Graphics2D g, FontMetrics fm, String text, double cx, double cy, java.awt.Color colour) {
        g.setColor(colour);
        g.drawString(text, (float) (cx - fm.stringWidth(text) / 2.0), (float) (cy + fm.getAscent() / 2.0 - 1));
    }

    private static java.awt.Color awt(Color c) {
        return new java.awt.Color((float) c.getRed(), (float) c.getGreen(), (float) c.getBlue(), (float) c.getOpacity());
    }
}
