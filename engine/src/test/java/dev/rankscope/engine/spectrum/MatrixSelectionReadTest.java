package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.bench.SyntheticMatrices;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reading sub-matrices ({@link MatrixSelection}) of stored, transposed and sliced tensors (SPEC §7). */
class MatrixSelectionReadTest {

    /** B[i][j] = 100·i + j, so every read element names its origin. */
    private static double[] indexed(int rows, int cols) {
        double[] d = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                d[i * cols + j] = 100 * i + j;
            }
        }
        return d;
    }

    @Test
    void rowsAndColumnsOfAStoredMatrixInTheGivenOrder() {
        CountingTensorSource src = new CountingTensorSource().add("w", indexed(12, 5), 12, 5);
        MatrixRef part = MatrixRef.whole("w", 12, 5).part("w#x",
                new MatrixSelection(12, 5, new int[]{7, 1, 3}, new int[]{4, 0}));
        Matrix m = MatrixReader.read(src, part);
        assertEquals(3, m.rows());
        assertEquals(2, m.cols());
        assertArrayEquals(new double[]{704, 700, 104, 100, 304, 300}, m.data());
        assertEquals(3L * 5, src.elementsRead.get(), "only the three selected rows are decoded");
    }

    @Test
    void transposedStorageSelectsStoredColumns() {
        // stored (in=4, out=6) as GPT-2 Conv1D; the analysed matrix is A = Sᵀ (6×4), A[i][j] = S[j][i] = 100·j + i
        CountingTensorSource src = new CountingTensorSource().add("c", indexed(4, 6), 4, 6);
        MatrixRef whole = new MatrixRef("c", "c", -1, 6, 4, true);
        Matrix rowsPart = MatrixReader.read(src, whole.part("c#q", MatrixSelection.rowBlock(6, 4, 2, 2)));
        assertArrayEquals(new double[]{2, 102, 202, 302, 3, 103, 203, 303}, rowsPart.data());
        Matrix colsPart = MatrixReader.read(src, whole.part("c#head1", MatrixSelection.colBlock(6, 4, 2, 2)));
        assertEquals(6, colsPart.rows());
        assertArrayEquals(new double[]{200, 300}, new double[]{colsPart.data()[0], colsPart.data()[1]});
        assertArrayEquals(new double[]{205, 305}, new double[]{colsPart.data()[10], colsPart.data()[11]});
    }

    @Test
    void expertSliceOffsetUsesTheWholeSliceSize() {
        double[] both = new double[2 * 3 * 4];
        double[] second = indexed(3, 4);
        System.arraycopy(second, 0, both, 12, 12);
        CountingTensorSource src = new CountingTensorSource().add("e", both, 2, 3, 4);
        MatrixRef slice = new MatrixRef("e[1]", "e", 1, 3, 4, false);
        Matrix m = MatrixReader.read(src, slice.part("e[1]#head0", MatrixSelection.rowBlock(3, 4, 2, 1)));
        assertArrayEquals(new double[]{200, 201, 202, 203}, m.data());
    }

    @Test
    void spectrumOfAPartEqualsTheSpectrumOfTheBlockBuiltDirectly() {
        Matrix a = SyntheticMatrices.withSpectrum(90, 40, SyntheticMatrices.powerLawSpectrum(40, 0.7), 11);
        int[] rows = new int[30];
        for (int i = 0; i < 30; i++) {
            rows[i] = (i / 10) * 30 + 10 + i % 10;  // per-head interleave: the k rows of 3 heads of 10
        }
        double[] block = new double[30 * 40];
        for (int i = 0; i < 30; i++) {
            System.arraycopy(a.data(), rows[i] * 40, block, i * 40, 40);
        }
        CountingTensorSource src = new CountingTensorSource().add("qkv", a.data(), 90, 40);
        MatrixRef part = MatrixRef.whole("qkv", 90, 40).part("qkv#k", new MatrixSelection(90, 40, rows, null));
        NativeBackend backend = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);
        SpectrumTaskTest.Collector c = new SpectrumTaskTest.Collector();
        new SpectrumTask(src, List.of(part), backend, Precision.F64, 1, c).run();
        double[] expected = new NativeBackend(NativeBackend.GramPolicy.NEVER).gesddValues(new Matrix(30, 40, block)).sigma();
        double[] got = c.spectra.get("qkv#k").sigma();
        assertEquals(30, got.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], got[i], 1e-9 * expected[0], "σ[" + i + "]");
        }
        double[] whole = new NativeBackend(NativeBackend.GramPolicy.NEVER).gesddValues(a).sigma();
        assertTrue(Math.abs(whole[0] - got[0]) > 1e-6, "a part is not the whole matrix");
    }

    @Test
    void pooledConvSpectrumIsTheSortedUnionOfTheSliceSpectra() {
        int out = 5;
        int in = 3;
        int kh = 2;
        int kw = 2;
        java.util.Random rnd = new java.util.Random(5);
        double[] kernel = new double[out * in * kh * kw];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = rnd.nextGaussian();
        }
        CountingTensorSource src = new CountingTensorSource().add("conv.weight", kernel, out, in, kh, kw);
        MatrixRef pooled = MatrixRef.pooledConv("conv.weight", out, in, kh * kw);
        assertEquals("5×3", pooled.shapeString(), "one slice's shape");
        assertEquals(12, pooled.sigmaCount());
        assertThrows(dev.rankscope.engine.tensor.CheckpointFormatException.class, () -> MatrixReader.read(src, pooled));
        double[] expected = new double[12];
        NativeBackend ref = new NativeBackend(NativeBackend.GramPolicy.NEVER);
        for (int y = 0; y < kh; y++) {
            for (int x = 0; x < kw; x++) {
                double[] slice = new double[out * in];
                for (int o = 0; o < out; o++) {
                    for (int i = 0; i < in; i++) {
                        slice[o * in + i] = kernel[((o * in + i) * kh + y) * kw + x];   // W[o, i, y, x]
                    }
                }
                System.arraycopy(ref.gesddValues(new Matrix(out, in, slice)).sigma(), 0, expected, (y * kw + x) * 3, 3);
            }
        }
        java.util.Arrays.sort(expected);
        SpectrumTaskTest.Collector c = new SpectrumTaskTest.Collector();
        new SpectrumTask(src, List.of(pooled), new NativeBackend(), Precision.F64, 1, c).run();
        double[] got = c.spectra.get("conv.weight").sigma();
        assertEquals(12, got.length);
        for (int i = 0; i < 12; i++) {
            assertEquals(expected[11 - i], got[i], 1e-12 * expected[11], "pooled σ[" + i + "], descending");
        }
    }

    @Test
    void refsValidateTheirSelection() {
        MatrixRef w = MatrixRef.whole("w", 8, 4);
        assertThrows(IllegalArgumentException.class, () -> new MatrixSelection(8, 4, new int[]{8}, null));
        assertThrows(IllegalArgumentException.class, () -> w.part("w#x", MatrixSelection.rowBlock(9, 4, 0, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> new MatrixRef("w#x", "w", -1, 3, 4, false, MatrixSelection.rowBlock(8, 4, 0, 2)));
        MatrixRef p = w.part("w#x", MatrixSelection.rowBlock(8, 4, 2, 3));
        assertEquals(3, p.rows());
        assertEquals(8, p.baseRows());
        assertEquals(32, p.baseNumel());
        assertTrue(p.isPart());
        assertFalse(w.isPart());
        assertEquals(p, w.part("w#x", MatrixSelection.rowBlock(8, 4, 2, 3)), "equal by value");
        assertEquals("MatrixSelection[8×4 rows 2-4 cols all]", p.selection().toString());
        assertEquals("MatrixSelection[8×4 rows 7,1-3,5 cols 0]",
                new MatrixSelection(8, 4, new int[]{7, 1, 2, 3, 5}, new int[]{0}).toString(),
                "the text names every index (the spectrum cache keys refs by it)");
    }
}
