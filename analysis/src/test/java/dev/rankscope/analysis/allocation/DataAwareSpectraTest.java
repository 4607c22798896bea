package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Data-aware variants (SPEC §4): whitening, ASVD scaling, Fisher weighting. */
class DataAwareSpectraTest {
    private static final SvdBackend SVD = new OjAlgoBackend();

    static Matrix random(Random rnd, int m, int n) {
        double[] d = new double[m * n];
        for (int i = 0; i < d.length; i++) {
            d[i] = rnd.nextGaussian();
        }
        return new Matrix(m, n, d);
    }

    /** XᵀX for X rows = samples (N×n); columns get different scales so whitening matters. */
    private static Matrix gram(Matrix x) {
        return DataAwareSpectra.multiply(x.transpose(), x);
    }

    private static double dataError(Matrix w, Matrix w2, Matrix x) {
        // ‖(W − W')Xᵀ‖²_F
        double[] d = w.data().clone();
        for (int i = 0; i < d.length; i++) {
            d[i] -= w2.data()[i];
        }
        Matrix diff = new Matrix(w.rows(), w.cols(), d);
        Matrix r = DataAwareSpectra.multiply(diff, x.transpose());
        double s = 0;
        for (double v : r.data()) {
            s += v * v;
        }
        return s;
    }

    @Test
    void choleskyFactorisesTheGramMatrix() {
        Random rnd = new Random(1);
        Matrix g = gram(random(rnd, 30, 6));
        Matrix l = DataAwareSpectra.cholesky(g, 0, "m");
        Matrix llt = DataAwareSpectra.multiply(l, l.transpose());
        for (int i = 0; i < 6; i++) {
            for (int j = 0; j < 6; j++) {
                assertEquals(g.get(i, j), llt.get(i, j), 1e-10 * Math.abs(g.get(i, i)));
                if (j > i) {
                    assertEquals(0, l.get(i, j));
                }
            }
        }
        Matrix singular = new Matrix(2, 2, new double[] {1, 1, 1, 1});
        assertThrows(AllocationException.class, () -> DataAwareSpectra.cholesky(singular, 0, "m"));
        DataAwareSpectra.cholesky(singular, 1e-6, "m");   // damping rescues it
    }

    @Test
    void whitenedTruncationErrorEqualsDiscardedWhitenedEnergyAndBeatsPlainSvd() {
        Random rnd = new Random(2);
        Matrix w = random(rnd, 7, 5);
        Matrix x = random(rnd, 40, 5);
        for (int i = 0; i < 40; i++) {
            x.set(i, 0, x.get(i, 0) * 10);       // one loud input channel
        }
        ModuleStatistics stats = new ModuleStatistics(gram(x), null, null);
        Matrix s = DataAwareSpectra.inputTransform("m", stats, 5, new DataAwareParameters(
                DataAwareParameters.Method.SVD_LLM_WHITENING, 0.5, 0));
        SvdResult ws = SVD.svd(DataAwareSpectra.multiply(w, s));
        SvdResult plain = SVD.svd(w);
        for (int k = 0; k <= 5; k++) {
            double tail = 0;
            for (int i = k; i < ws.size(); i++) {
                tail += ws.sigma(i) * ws.sigma(i);
            }
            Matrix w2 = DataAwareSpectra.reconstruct(ws, k, s);
            double err = dataError(w, w2, x);
            assertEquals(tail, err, 1e-8 * Math.max(1, tail), "k = " + k);
            Matrix wPlain = DataAwareSpectra.reconstruct(plain, k, identity(5));
            assertTrue(err <= dataError(w, wPlain, x) * (1 + 1e-10) + 1e-10, "data-aware is optimal for the data, k = " + k);
        }
    }

    private static Matrix identity(int n) {
        Matrix m = Matrix.zeros(n, n);
        for (int i = 0; i < n; i++) {
            m.set(i, i, 1);
        }
        return m;
    }

    @Test
    void asvdAndFisherScaleColumns() {
        double[] absMean = {4, 1, 0.25};
        double[] fisher = {9, 0, 1};
        ModuleStatistics stats = new ModuleStatistics(null, absMean, fisher);
        Matrix sA = DataAwareSpectra.inputTransform("m", stats, 3, DataAwareParameters.of(DataAwareParameters.Method.ASVD_SCALING));
        assertArrayEquals(new double[] {2, 0, 0, 0, 1, 0, 0, 0, 0.5}, sA.data(), 1e-15);
        Matrix sF = DataAwareSpectra.inputTransform("m", stats, 3, DataAwareParameters.of(DataAwareParameters.Method.FISHER_WEIGHTING));
        assertEquals(3, sF.get(0, 0), 1e-15);
        assertEquals(Math.sqrt(9e-6), sF.get(1, 1), 1e-15, "zero Fisher is floored at damping·max");
        Matrix w = new Matrix(2, 3, new double[] {1, 2, 3, 4, 5, 6});
        SvdResult full = SVD.svd(DataAwareSpectra.multiply(w, sA));
        Matrix back = DataAwareSpectra.reconstruct(full, 2, sA);
        assertArrayEquals(w.data(), back.data(), 1e-12, "full rank reconstructs W");
    }

    @Test
    void dataAwareInputsDriveAnyStrategy() {
        Random rnd = new Random(3);
        List<AllocationInput> inputs = new java.util.ArrayList<>();
        for (int l = 0; l < 3; l++) {
            Matrix w = random(rnd, 12, 8);
            Matrix x = random(rnd, 50, 8);
            AllocationInput base = AllocationInput.of("m" + l, "m" + l, l, ModuleType.Q, 12, 8,
                    SVD.singularValues(w, SvdBackend.Tolerance.DEFAULT).sigma())
                    .withStatistics(new ModuleStatistics(gram(x), null, null));
            AllocationInput aware = DataAwareSpectra.dataAware(base, w,
                    DataAwareParameters.of(DataAwareParameters.Method.SVD_LLM_WHITENING), SVD);
            assertEquals(8, aware.fullRank());
            assertTrue(aware.sigma(0) > base.sigma(0), "σ(W·S) are on the data's scale");
            inputs.add(aware);
        }
        Plan plan = Allocator.plan(inputs, Budget.keptFraction(0.5), Scope.defaults(), Constraints.defaults(),
                GlobalOptimalParameters.defaults());
        assertTrue(plan.totals().eligibleParamsAfter() <= plan.totals().budgetParams());
        AllocationInput noStats = AllocationInput.of("z", "z", 0, ModuleType.Q, 2, 2, new double[] {1, 0});
        assertThrows(AllocationException.class, () -> DataAwareSpectra.dataAware(noStats, Matrix.zeros(2, 2),
                DataAwareParameters.of(DataAwareParameters.Method.ASVD_SCALING), SVD));
    }

    @Test
    void statisticsAreReadFromACalibrationFile(@TempDir Path dir) {
        Path file = dir.resolve("calib.safetensors");
        new SafetensorsWriter()
                .add("model.layers.0.self_attn.q_proj.input_gram", DType.F32, new long[] {2, 2}, s -> s.put(new double[] {2, 1, 1, 2}))
                .add("model.layers.0.self_attn.q_proj.input_absmean", DType.F32, new long[] {2}, s -> s.put(new double[] {0.5, 1}))
                .write(file, AtomicFileWriter.unprotected());
        try (TensorSource src = Checkpoints.open(file)) {
            ModuleStatistics st = ModuleStatistics.read(src, "model.layers.0.self_attn.q_proj");
            assertArrayEquals(new double[] {2, 1, 1, 2}, st.inputGram().data());
            assertArrayEquals(new double[] {0.5, 1}, st.inputAbsMean());
            assertNull(st.fisherRows());
            assertNull(ModuleStatistics.read(src, "model.layers.1.mlp.up_proj"));
        }
    }
}
