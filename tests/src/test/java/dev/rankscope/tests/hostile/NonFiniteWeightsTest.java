package dev.rankscope.tests.hostile;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.spectrum.SpectrumListener;
import dev.rankscope.engine.spectrum.SpectrumTask;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.tests.hostile.gen.Bytes;
import dev.rankscope.tests.hostile.gen.SafetensorsBytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 8: NaN/Inf weights are never turned into a silent wrong number. The file opens (it is
 * well-formed), the finite matrix is analysed, and each matrix holding NaN or ±Inf is refused
 * on its own with a {@link LinalgException} whose message says why; the run still finishes.
 */
class NonFiniteWeightsTest {

    @Test
    void nonFiniteMatricesAreRefusedPerMatrixWithAMessage(@TempDir Path dir) throws Exception {
        float[] nan = Bytes.ramp(12);
        nan[5] = Float.NaN;
        float[] inf = Bytes.ramp(12);
        inf[0] = Float.POSITIVE_INFINITY;
        float[] negInf = Bytes.ramp(12);
        negInf[11] = Float.NEGATIVE_INFINITY;
        Path file = Files.write(dir.resolve("model.safetensors"), SafetensorsBytes.validF32(
                new String[] {"finite", "nan", "inf", "neg_inf"}, new int[][] {{3, 4}, {3, 4}, {3, 4}, {3, 4}},
                new float[][] {Bytes.ramp(12), nan, inf, negInf}));
        // Both production backends: ojAlgo, and native OpenBLAS where it loads (AUTO falls back to ojAlgo).
        for (SvdBackend backend : List.of(new OjAlgoBackend(), Backends.select(Backends.Preference.AUTO))) {
            Map<String, Spectrum> ok = new ConcurrentHashMap<>();
            Map<String, RankscopeException> failed = new ConcurrentHashMap<>();
            try (TensorSource source = Checkpoints.open(file)) {
                List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
                SpectrumTask task = new SpectrumTask(source, refs, backend, Precision.F64, 1, new SpectrumListener() {
                    @Override
                    public void onSpectrum(Spectrum s) {
                        ok.put(s.ref().id(), s);
                    }

                    @Override
                    public void onFailure(MatrixRef ref, RankscopeException error) {
                        failed.put(ref.id(), error);
                    }
                });
                task.run();
                assertEquals(AbstractTask.Status.FINISHED, task.status(), backend.info().toString());
            }
            assertEquals(List.of("finite"), List.copyOf(ok.keySet()), backend.info().toString());
            for (double s : ok.get("finite").sigma()) {
                assertTrue(Double.isFinite(s) && s >= 0);
            }
            assertEquals(3, failed.size(), backend.info().toString());
            for (var e : failed.entrySet()) {
                assertInstanceOf(LinalgException.class, e.getValue(), e.getKey());
                String msg = e.getValue().userMessage().toLowerCase(Locale.ROOT);
                assertTrue(msg.contains("nan") || msg.contains("infinite"), e.getKey() + ": " + msg);
            }
        }
    }
}
