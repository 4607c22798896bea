package dev.rankscope.views.charts;

import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.Picture;
import dev.rankscope.application.render.RasterPicture;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.testing.ExportedFiles;
import dev.rankscope.views.testing.FakeDialogService;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared export action: exact PNG pixels and SVG attributes at the chosen size; cancel writes nothing. */
class PictureExporterTest {
    final FakeDialogService dialogs = new FakeDialogService();
    final PictureExporter exporter = new PictureExporter(dialogs, WorkbenchExecutors.sameThread());

    static JFreeChart chart() {
        XYSeries s = new XYSeries("σ");
        for (int i = 1; i <= 20; i++) {
            s.add(i, 10.0 / i);
        }
        return ChartFactory.createXYLineChart("scree", "i", "σ", new XYSeriesCollection(s));
    }

    @Test
    void aChartExportsAtTheChosenSizeThroughBothDialogs(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("scree.png");
        Path svg = dir.resolve("scree.svg");
        dialogs.sizes.add(new ChartSize(1234, 567));
        dialogs.answers.add(png);
        exporter.export(PictureExporter.Format.PNG, "scree", new ChartSize(640, 480), () -> Picture.of(chart()));
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(1234, image.getWidth());
        assertEquals(567, image.getHeight());
        assertEquals(new ChartSize(640, 480), dialogs.prefilledSizes.get(0), "prefilled with the on-screen size");
        assertEquals("Export as PNG: scree.png", dialogs.saveDialogs.get(0));

        dialogs.sizes.add(new ChartSize(3200, 2400));
        dialogs.answers.add(svg);
        exporter.export(PictureExporter.Format.SVG, "scree", new ChartSize(640, 480), () -> Picture.of(chart()));
        assertEquals(3200, ExportedFiles.svgSize(svg)[0]);
        assertEquals(2400, ExportedFiles.svgSize(svg)[1]);
        assertTrue(Files.readString(svg).startsWith("<?xml"), "a standalone SVG document");
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void cancellingEitherDialogWritesNothing(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("scree.png");
        dialogs.sizes.add(FakeDialogService.CANCEL_SIZE);
        dialogs.answers.add(png);
        exporter.export(PictureExporter.Format.PNG, "scree", new ChartSize(640, 480), () -> Picture.of(chart()));
        assertTrue(dialogs.saveDialogs.isEmpty(), "no file dialog after the size dialog is cancelled");
        dialogs.answers.clear();
        exporter.export(PictureExporter.Format.PNG, "scree", new ChartSize(640, 480), () -> Picture.of(chart()));
        try (var files = Files.list(dir)) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void aRasterHeatmapScalesToExactPixelsWithCrispCells(@TempDir Path dir) throws Exception {
        // 2×2 cells: red, green / blue, white; no caption, so the 400×400 export is all cells
        int[] argb = {0xffff0000, 0xff00ff00, 0xff0000ff, 0xffffffff};
        RasterPicture heat = new RasterPicture(argb, 2, 2, "");
        Path png = dir.resolve("heat.png");
        exporter.exportTo(png, PictureExporter.Format.PNG, new ChartSize(400, 400), heat);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(400, image.getWidth());
        assertEquals(400, image.getHeight());
        assertEquals(0xff0000, image.getRGB(10, 10) & 0xffffff);
        assertEquals(0x00ff00, image.getRGB(390, 10) & 0xffffff);
        assertEquals(0x0000ff, image.getRGB(10, 390) & 0xffffff);
        assertEquals(0xff0000, image.getRGB(199, 199) & 0xffffff, "nearest neighbour: no blending at the border");

        Path svg = dir.resolve("heat.svg");
        exporter.exportTo(svg, PictureExporter.Format.SVG, new ChartSize(300, 200), heat);
        assertEquals(300, ExportedFiles.svgSize(svg)[0]);
        assertEquals(200, ExportedFiles.svgSize(svg)[1]);
        assertTrue(Files.readString(svg).contains("<image"), "the raster embedded once");
    }

    @Test
    void aFailedWriteIsOneDialogNamingTheFile(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        Path target = blocker.resolve("chart.png");
        exporter.exportTo(target, PictureExporter.Format.PNG, new ChartSize(100, 100), Picture.of(chart()));
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).message().contains("chart.png"), dialogs.errors.get(0).message());
        assertFalse(dialogs.errors.get(0).message().contains("Exception"), "no stack trace or class name");
    }

    @Test
    void nothingToExportIsExplained() {
        exporter.export(PictureExporter.Format.SVG, "empty", new ChartSize(100, 100), () -> null);
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.prefilledSizes.isEmpty());
    }
}
