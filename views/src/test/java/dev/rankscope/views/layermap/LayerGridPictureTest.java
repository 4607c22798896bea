package dev.rankscope.views.layermap;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.application.render.ChartExport;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.model.Metric;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.scene.paint.Color;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The layer map drawn for export: vector text in SVG, the cells' colours in PNG, any size. */
class LayerGridPictureTest {

    static LayerGrid alphaGrid() {
        WorkbenchViewModel wb = new WorkbenchViewModel(new FakeWorkbenchServices(), new FakeDialogService(),
                new InMemorySettingsStore(), WorkbenchExecutors.sameThread());
        LayerMapViewModel vm = new LayerMapViewModel(wb);
        wb.open(Path.of("/m/a.safetensors"));
        vm.metricProperty().set(Metric.ALPHA);
        return vm.getGrid();
    }

    @Test
    void svgCarriesTheLabelsAndValuesAsText() {
        LayerGrid grid = alphaGrid();
        String svg = ChartExport.svg(new LayerGridPicture(grid), new ChartSize(900, 500));
        assertTrue(svg.contains(">layer 2<"), "row labels");
        assertTrue(svg.contains(">" + ModuleType.DOWN.label() + "<"), "column labels");
        assertTrue(svg.contains(">" + Metric.ALPHA.format(2.5) + "<"), "cell values (layer 1: α = 2.5)");
        assertTrue(svg.contains(Metric.ALPHA.label()), "legend");
    }

    @Test
    void pngIsExactlyTheChosenSizeWithTheScaleColours() throws Exception {
        LayerGrid grid = alphaGrid();
        ChartSize size = new ChartSize(1000, 600);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(ChartExport.png(new LayerGridPicture(grid), size)));
        assertEquals(1000, image.getWidth());
        assertEquals(600, image.getHeight());
        // the darkest (α = 2.0, embed/lm_head) and the brightest (α = 2.75, layer 2) scale ends are both painted
        assertTrue(contains(image, ColorScale.at(0)), "the low end of the scale");
        assertTrue(contains(image, ColorScale.at(1)), "the high end of the scale");
    }

    private static boolean contains(BufferedImage image, Color c) {
        int want = ((int) Math.round(c.getRed() * 255) << 16) | ((int) Math.round(c.getGreen() * 255) << 8)
                | (int) Math.round(c.getBlue() * 255);
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                int rgb = image.getRGB(x, y) & 0xffffff;
                if (Math.abs((rgb >> 16) - (want >> 16)) <= 1 && Math.abs(((rgb >> 8) & 0xff) - ((want >> 8) & 0xff)) <= 1
                        && Math.abs((rgb & 0xff) - (want & 0xff)) <= 1) {
                    return true;
                }
            }
        }
        return false;
    }
}
