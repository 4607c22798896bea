package dev.rankscope.views.charts;

import dev.rankscope.application.render.ChartExport;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.Picture;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.Journeys;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless (Monocle): a PNG export draws the chart on the FX thread, but encodes and writes the file on
 * the work executor, so the FX thread is free while the PNG is encoded; failures still reach one dialog,
 * shown on the FX thread.
 */
@ExtendWith(ApplicationExtension.class)
class PictureExporterThreadsTest {
    final FakeDialogService dialogs = new FakeDialogService();
    final ExecutorService work = Executors.newSingleThreadExecutor();
    final WorkbenchExecutors executors = new WorkbenchExecutors(work, work, Platform::runLater);
    final List<Boolean> drawnOnFx = new CopyOnWriteArrayList<>();
    final List<Boolean> encodedOnFx = new CopyOnWriteArrayList<>();
    final CountDownLatch encoderMayFinish = new CountDownLatch(1);

    @TempDir
    Path dir;

    @Start
    void start(Stage stage) {
        stage.setScene(new Scene(new StackPane(), 200, 100));
        stage.show();
    }

    PictureExporter exporter() {
        return new PictureExporter(dialogs, executors, image -> {
            encodedOnFx.add(Platform.isFxApplicationThread());
            try {
                assertTrue(encoderMayFinish.await(Journeys.HANG_GUARD_SECONDS, TimeUnit.SECONDS), "the test releases the encoder");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return ChartExport.encodePng(image);
        });
    }

    Picture recordingPicture() {
        Picture chart = Picture.of(PictureExporterTest.chart());
        return (g, size) -> {
            drawnOnFx.add(Platform.isFxApplicationThread());
            chart.draw(g, size);
        };
    }

    @Test
    void drawsOnTheFxThreadAndEncodesAndWritesOffIt() throws Exception {
        PictureExporter exporter = exporter();
        Path png = dir.resolve("scree.png");
        // returns while the encoder is still held: encoding does not run on (nor block) the FX thread
        WaitForAsyncUtils.asyncFx(() -> exporter.exportTo(png, PictureExporter.Format.PNG, new ChartSize(900, 500),
                recordingPicture())).get(Journeys.HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        assertEquals(List.of(true), drawnOnFx, "drawn once, on the FX thread");
        assertFalse(Files.exists(png), "nothing written before the encoder finishes");

        encoderMayFinish.countDown();
        work.submit(() -> { }).get(Journeys.HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        assertEquals(List.of(false), encodedOnFx, "encoded once, off the FX thread");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(900, image.getWidth());
        assertEquals(500, image.getHeight());
        WaitForAsyncUtils.waitForFxEvents();
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        work.shutdown();
    }

    @Test
    void aFailedBackgroundWriteIsOneDialogOnTheFxThread() throws Exception {
        encoderMayFinish.countDown();
        PictureExporter exporter = exporter();
        Path blocker = Files.writeString(dir.resolve("not-a-folder"), "x");
        Path target = blocker.resolve("chart.png");
        WaitForAsyncUtils.asyncFx(() -> exporter.exportTo(target, PictureExporter.Format.PNG, new ChartSize(100, 100),
                recordingPicture())).get(Journeys.HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        work.submit(() -> { }).get(Journeys.HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).message().contains("chart.png"), dialogs.errors.get(0).message());
        assertEquals(List.of(false), encodedOnFx, "encoded off the FX thread before the write failed");
        work.shutdown();
    }
}
