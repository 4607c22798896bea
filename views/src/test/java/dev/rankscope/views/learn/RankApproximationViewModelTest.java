package dev.rankscope.views.learn;

import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.views.fx.WorkbenchExecutors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RankApproximationViewModelTest {
    private final SvdBackend backend = Backends.select(Backends.Preference.JAVA);

    private RankApproximationViewModel loaded(Matrix m) {
        RankApproximationViewModel vm = new RankApproximationViewModel(backend, WorkbenchExecutors.sameThread());
        vm.setSource("test", m);
        return vm;
    }

    @Test
    void reconstructionErrorEqualsEckartYoungNumber() {
        Matrix image = LearnImages.scene(64);
        RankApproximationViewModel vm = loaded(image);
        double[] sigma = backend.singularValues(image, SvdBackend.Tolerance.DEFAULT).sigma();
        double total = 0;
        for (double s : sigma) {
            total += s * s;
        }
        for (int k : new int[]{1, 5, 17, 40, 64}) {
            vm.rankProperty().set(k);
            RankApproximationViewModel.Frame f = vm.frameProperty().get();
            assertEquals(k, f.rank());
            double tail = 0;
            for (int i = k; i < sigma.length; i++) {
                tail += sigma[i] * sigma[i];
            }
            double expected = Math.sqrt(tail / total);
            assertEquals(expected, f.eckartYoungError(), 1e-9, "Eckart-Young number at k=" + k);
            assertEquals(expected, f.measuredError(), 1e-7, "‖A−A_k‖_F/‖A‖_F at k=" + k);
            assertEquals(k == 0 ? 0 : RankMeasures.cumulativeEnergy(sigma)[k - 1], f.retainedEnergy(), 1e-12);
        }
        assertEquals(0, vm.frameProperty().get().measuredError(), 1e-7, "full rank reproduces the image");
    }

    @Test
    void incrementalRebuildMatchesFreshReconstruction() {
        Matrix image = LearnImages.testPattern(48);
        RankApproximation cached = new RankApproximation(image, backend.svd(image));
        cached.reconstruct(30);
        cached.reconstruct(7);
        Matrix incremental = cached.reconstruct(12);
        Matrix fresh = new RankApproximation(image, backend.svd(image)).reconstruct(12);
        assertArrayEquals(fresh.data(), incremental.data(), 1e-9);
        Matrix residual = cached.residual(incremental);
        assertEquals(image.get(3, 5) - incremental.get(3, 5), residual.get(3, 5), 0);
        assertThrows(IllegalArgumentException.class, () -> cached.reconstruct(49));
    }

    @Test
    void storageCostAndBreakEven() {
        Matrix m = LearnImages.checkerboard(48);
        Matrix wide = new Matrix(48, 64, new double[48 * 64]);
        for (int i = 0; i < 48; i++) {
            for (int j = 0; j < 64; j++) {
                wide.set(i, j, m.get(i, j % 48) + 0.01 * j);
            }
        }
        RankApproximationViewModel vm = loaded(wide);
        vm.rankProperty().set(10);
        assertEquals(10L * (48 + 64), vm.factorCostProperty().get());
        assertEquals(48L * 64, vm.denseCostProperty().get());
        assertEquals(48.0 * 64 / (48 + 64), vm.breakEvenProperty().get(), 1e-12);
        assertEquals(48, vm.maxRankProperty().get());
        // SPEC §4 check value
        assertEquals(2985.22, RankApproximation.breakEven(4096, 11008), 0.005);
        assertEquals(2388L * (4096 + 11008), RankApproximation.factorCost(2388, 4096, 11008));
    }

    @Test
    void rankIsClampedToTheNewSourceAndLoaderFailuresBecomeStatus() {
        RankApproximationViewModel vm = loaded(LearnImages.scene(64));
        vm.rankProperty().set(60);
        vm.setSource("small", LearnImages.scene(16));
        assertEquals(16, vm.rankProperty().get());
        assertNotNull(vm.frameProperty().get());
        assertEquals(16, vm.frameProperty().get().rank());
        vm.setSource("broken", () -> {
            throw new IllegalStateException("the checkpoint is not open");
        });
        assertTrue(vm.statusProperty().get().contains("the checkpoint is not open"), vm.statusProperty().get());
    }

    @Test
    void openImageReadsOffTheFxThreadAndAFileThatIsNoImageIsOneDialog(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(12, 8, java.awt.image.BufferedImage.TYPE_INT_RGB);
        img.setRGB(3, 2, 0xffffff);
        java.nio.file.Path png = dir.resolve("dot.png");
        javax.imageio.ImageIO.write(img, "png", png.toFile());
        dev.rankscope.views.testing.FakeDialogService dialogs = new dev.rankscope.views.testing.FakeDialogService();
        RankApproximationViewModel vm = new RankApproximationViewModel(backend, WorkbenchExecutors.sameThread());
        java.util.List<LearnImages.Example> opened = new java.util.ArrayList<>();
        vm.openImage(png, dialogs, opened::add);
        assertEquals(1, opened.size());
        assertEquals("dot.png", opened.get(0).name());
        assertEquals(8, opened.get(0).pixels().rows());
        assertEquals(12, opened.get(0).pixels().cols());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());

        java.nio.file.Path text = java.nio.file.Files.writeString(dir.resolve("notes.png"), "not an image");
        vm.openImage(text, dialogs, opened::add);
        assertEquals(1, opened.size(), "nothing offered");
        assertEquals(1, dialogs.errors.size());
        assertEquals("notes.png is not a PNG or JPEG image this Java can read", dialogs.errors.get(0).message());
        assertEquals("", vm.statusProperty().get());
    }
}
