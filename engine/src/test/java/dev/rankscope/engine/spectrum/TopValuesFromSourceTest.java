package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsSource;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.NativeBackend;
import dev.rankscope.engine.linalg.PhaseTimes;
import dev.rankscope.engine.linalg.RandomizedSvd;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.TestEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The quick preview's float32 read path ({@link TopValuesFromSource}, {@link MatrixReader#readFloat})
 * against the float64 path it replaces (MatrixReader.read → RandomizedSvd.topValuesSingle(Matrix)
 * → Σa² over the doubles), on BF16 and F32 safetensors, stored and transposed.
 */
class TopValuesFromSourceTest {
    private static final int ROWS = 130;
    private static final int COLS = 90;
    private static final RandomizedSvd.Parameters PARAMS = new RandomizedSvd.Parameters(24, 10, 2, 7L);

    @TempDir
    Path dir;

    /** Gaussian columns scaled by 1/(1+j): a decaying spectrum with σ₁ well separated. */
    private static double[] decaying(long seed) {
        Random rnd = new Random(seed);
        double[] d = new double[ROWS * COLS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < COLS; j++) {
                d[i * COLS + j] = rnd.nextGaussian() / (1 + j);
            }
        }
        return d;
    }

    private Path write(String name, DType dtype, double[] values) {
        Path file = dir.resolve(name + ".safetensors");
        byte[] bytes = TestEncoding.encode(dtype, values);
        new SafetensorsWriter().add(name, dtype, new long[] {ROWS, COLS}, sink -> sink.putEncoded(ByteBuffer.wrap(bytes)))
                .write(file, AtomicFileWriter.unprotected());
        return file;
    }

    private static void assertSameAsFloat64Path(TensorSource src, MatrixRef ref) {
        Matrix a = MatrixReader.read(src, ref);
        double[] old = RandomizedSvd.topValuesSingle(a, PARAMS).sigma();
        double oldFrobenius2 = 0;
        for (double v : a.data()) {
            oldFrobenius2 += v * v;
        }
        TopValuesFromSource.Estimate now = TopValuesFromSource.estimate(src, ref, PARAMS);
        double[] sigma = now.values().sigma();
        assertEquals(SvdMethod.RANDOMIZED, now.values().method());
        assertEquals(old.length, sigma.length);
        for (int i = 0; i < old.length; i++) {
            assertEquals(old[i], sigma[i], 2e-6 * old[0], ref.id() + " σ̂" + (i + 1));
        }
        assertEquals(oldFrobenius2, now.frobenius2(), 1e-13 * oldFrobenius2, ref.id() + " ‖A‖²_F");
        assertTrue(now.frobenius2() > 0);
    }

    @Test
    void bf16AndF32GiveTheSameValuesAndFrobeniusAsTheFloat64Path() {
        for (DType dtype : new DType[] {DType.BF16, DType.F32, DType.F16}) {
            String name = "w_" + dtype.name().toLowerCase();
            try (TensorSource src = SafetensorsSource.openFile(write(name, dtype, decaying(dtype.ordinal())))) {
                assertSameAsFloat64Path(src, MatrixRef.whole(name, ROWS, COLS));
                // the same tensor as a Conv1D-style (in, out) weight: A = Sᵀ, read column by column of A
                assertSameAsFloat64Path(src, new MatrixRef(name + "ᵀ", name, -1, COLS, ROWS, true));
            }
        }
    }

    @Test
    void sumOfSquaresIsExactOverTheStoredValues() {
        double[] values = new double[ROWS * COLS];
        java.util.Arrays.fill(values, 0.5);
        values[7] = 3;
        try (TensorSource src = SafetensorsSource.openFile(write("w", DType.BF16, values));
             org.bytedeco.javacpp.FloatPointer buf = NativeBackend.allocateFloat((long) ROWS * COLS)) {
            double f2 = MatrixReader.readFloat(src, MatrixRef.whole("w", ROWS, COLS), buf);
            assertEquals((ROWS * COLS - 1) * 0.25 + 9, f2, 0.0);
            assertEquals(3f, buf.get(7));
            assertEquals(0.5f, buf.get((long) ROWS * COLS - 1));
        }
    }

    @Test
    void theLargestFiniteFloatsAreNotMistakenForInfinity() {
        // the finiteness check is the float64 sum of squares: (3.4e38)² summed over the matrix stays finite
        double[] values = new double[ROWS * COLS];
        java.util.Arrays.fill(values, Float.MAX_VALUE);
        values[1] = -Float.MAX_VALUE;
        try (TensorSource src = SafetensorsSource.openFile(write("w", DType.F32, values));
             org.bytedeco.javacpp.FloatPointer buf = NativeBackend.allocateFloat((long) ROWS * COLS)) {
            double f2 = MatrixReader.readFloat(src, MatrixRef.whole("w", ROWS, COLS), buf);
            double one = (double) Float.MAX_VALUE * Float.MAX_VALUE;
            assertEquals(ROWS * COLS * one, f2, 1e-12 * ROWS * COLS * one);
            assertEquals(-Float.MAX_VALUE, buf.get(1));
        }
    }

    @Test
    void phaseTimesRecordTheReadAndTheIteration() {
        try (TensorSource src = SafetensorsSource.openFile(write("w", DType.BF16, decaying(5)))) {
            PhaseTimes times = new PhaseTimes();
            MatrixRef ref = MatrixRef.whole("w", ROWS, COLS);
            double[] timed = TopValuesFromSource.estimate(src, ref, PARAMS, times).values().sigma();
            for (PhaseTimes.Phase p : PhaseTimes.Phase.values()) {
                assertTrue(times.wallSeconds(p) > 0, p + " recorded");
            }
            assertTrue(times.describe().contains("multiply (sgemm)"), times.describe());
            assertArrayEquals(TopValuesFromSource.estimate(src, ref, PARAMS).values().sigma(), timed, "timing changes nothing");
            assertEquals(0, PhaseTimes.NONE.wallSeconds(PhaseTimes.Phase.MULTIPLY));
        }
    }

    @Test
    void nanOrInfinityIsRefusedNamingTheMatrixAndPosition() {
        double[] nan = decaying(1);
        nan[3 * COLS + 5] = Double.NaN;
        double[] inf = decaying(2);
        inf[ROWS * COLS - 1] = Double.NEGATIVE_INFINITY;
        try (TensorSource f32 = SafetensorsSource.openFile(write("bad_f32", DType.F32, nan));
             TensorSource bf16 = SafetensorsSource.openFile(write("bad_bf16", DType.BF16, inf))) {
            LinalgException e = assertThrows(LinalgException.class,
                    () -> TopValuesFromSource.estimate(f32, MatrixRef.whole("bad_f32", ROWS, COLS), PARAMS));
            assertTrue(e.userMessage().contains("bad_f32") && e.userMessage().contains("NaN or infinite"), e.userMessage());
            assertTrue(e.getMessage().contains("at (3, 5)"), e.getMessage());
            LinalgException t = assertThrows(LinalgException.class,
                    () -> TopValuesFromSource.estimate(bf16, new MatrixRef("up", "bad_bf16", -1, COLS, ROWS, true), PARAMS));
            assertTrue(t.userMessage().startsWith("Matrix up "), t.userMessage());
            assertTrue(t.getMessage().contains("-Infinity at (" + (COLS - 1) + ", " + (ROWS - 1) + ")"), t.getMessage());
        }
    }
}
