package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.TorchCheckpointWriter;
import dev.rankscope.engine.testing.TorchCheckpointWriter.Storage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Strided views larger than {@link StridedTensorSource#SPAN_CAP_ELEMENTS}, so reads are split into
 * several boxes: whole-tensor and random partial reads must equal the C-order definition.
 */
class StridedTensorSourceTest {
    @TempDir
    Path dir;

    @Test
    void largeTransposedViewReadsCorrectlyInPieces() throws Exception {
        int rows = 1100;
        int cols = 1000; // 1.1 M elements > SPAN_CAP_ELEMENTS
        double[] c = new double[rows * cols];
        for (int i = 0; i < c.length; i++) {
            c[i] = i;
        }
        TorchCheckpointWriter w = new TorchCheckpointWriter("archive");
        Storage s = w.storage(DType.F32, c);
        // view (cols, rows) = storage (rows, cols) transposed; element (i, j) = c[j * cols + i].
        w.view("t", s, 0, new long[] {cols, rows}, new long[] {1, cols});
        Path torch = w.write(dir.resolve("big.bin"));
        try (TensorSource src = Checkpoints.open(torch)) {
            double[] all = src.readDouble("t");
            for (int i = 0; i < cols; i += 37) {
                for (int j = 0; j < rows; j += 13) {
                    assertEquals(c[j * cols + i], all[i * rows + j], 0.0);
                }
            }
            Random rnd = new Random(3);
            for (int trial = 0; trial < 6; trial++) {
                long first = rnd.nextInt(rows * cols);
                int count = (int) Math.min(rnd.nextInt(150_000), (long) rows * cols - first);
                double[] part = new double[count + 2];
                src.readElements("t", first, count, part, 1);
                for (int k = 0; k < count; k += 101) {
                    long lin = first + k;
                    long i = lin / rows;
                    long j = lin % rows;
                    assertEquals(c[(int) (j * cols + i)], part[1 + k], 0.0);
                }
                assertEquals(0.0, part[0], 0.0); // nothing written before dstOffset
            }
            assertThrows(IndexOutOfBoundsException.class, () -> src.readElements("t", rows * cols - 1, 2, new double[2], 0));
        }
    }
}
