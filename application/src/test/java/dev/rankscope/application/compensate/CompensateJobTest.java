package dev.rankscope.application.compensate;

import dev.rankscope.analysis.quant.QuantScheme;
import dev.rankscope.analysis.quant.Quantizer;
import dev.rankscope.application.job.JobJson;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The compensate job end to end on small generated models (issue 16, SPEC §9). */
class CompensateJobTest {
    private static final SvdBackend BACKEND = Backends.select(Backends.Preference.AUTO);
    private static final String Q = "model.layers.0.self_attn.q_proj";
    private static final String UP = "model.layers.0.mlp.up_proj";
    private static final String DOWN = "model.layers.1.mlp.down_proj";

    @TempDir
    Path dir;

    /** A Llama-shaped toy: q 24×32, up 40×32, down 32×40, an embedding and a norm, float32. */
    static Map<String, Matrix> weights(long seed) {
        Random r = new Random(seed);
        Map<String, Matrix> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", random(r, 50, 32, 0.5));
        w.put(Q + ".weight", random(r, 24, 32, 0.05));
        w.put(UP + ".weight", random(r, 40, 32, 0.08));
        w.put(DOWN + ".weight", random(r, 32, 40, 0.03));
        return w;
    }

    private static Matrix random(Random r, int m, int n, double scale) {
        double[] d = new double[m * n];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (scale * r.nextGaussian() * (1 + 3 * Math.exp(-(i % n) / 4.0)));
        }
        return new Matrix(m, n, d);
    }

    static Path write(Path file, Map<String, Matrix> w, boolean withNorm) {
        SafetensorsWriter sw = new SafetensorsWriter();
        w.forEach((name, m) -> sw.add(name, DType.F32, new long[] {m.rows(), m.cols()}, sink -> sink.put(m.data())));
        if (withNorm) {
            sw.add("model.norm.weight", DType.F32, new long[] {32}, sink -> sink.put(new double[32]));
        }
        sw.write(file, AtomicFileWriter.unprotected());
        return file;
    }

    /** Grams XᵀX of correlated random inputs for each compensated module. */
    static Path stats(Path file, Map<String, Matrix> w, long seed, int wrongSizeFor) {
        Random r = new Random(seed);
        SafetensorsWriter sw = new SafetensorsWriter();
        int i = 0;
        for (Map.Entry<String, Matrix> e : w.entrySet()) {
            if (e.getKey().contains("embed")) {
                continue;
            }
            int n = e.getValue().cols() + (i++ == wrongSizeFor ? 8 : 0);
            double[] x = new double[200 * n];
            for (int t = 0; t < 200; t++) {
                for (int j = 0; j < n; j++) {
                    x[t * n + j] = r.nextGaussian() * (j < 4 ? 5 : 1) + (j > 0 ? 0.5 * x[t * n + j - 1] : 0);
                }
            }
            double[] g = new double[n * n];
            for (int t = 0; t < 200; t++) {
                for (int a = 0; a < n; a++) {
                    for (int b = 0; b < n; b++) {
                        g[a * n + b] += x[t * n + a] * x[t * n + b];
                    }
                }
            }
            String module = e.getKey().substring(0, e.getKey().length() - ".weight".length());
            sw.add(module + ".input_gram", DType.F64, new long[] {n, n}, sink -> sink.put(g));
        }
        sw.write(file, AtomicFileWriter.unprotected());
        return file;
    }

    private static CompensateParameters inTool(Path base, String scheme, Path out, int rank) {
        return new CompensateParameters(base.toString(), scheme, null, null, CompensateParameters.Method.SVD,
                CompensateParameters.Selection.RANK, rank, 0, null, null, 1e-6, out == null ? null : out.toString(), "auto", null);
    }

    private static CompensateResult run(CompensateParameters p) {
        return new CompensateJob().task(p).runHere();
    }

    @Test
    void inToolInt4CompensationReloadsToThePredictedResidual() throws Exception {
        Map<String, Matrix> w = weights(1);
        Path base = write(dir.resolve("base.safetensors"), w, true);
        Path out = dir.resolve("adapter");
        CompensateResult r = run(inTool(base, "int4-g32", out, 4));
        assertTrue(r.verified(), r.notes().toString());
        assertEquals(3, r.matrices().size(), "embedding not quantized in-tool, norm not a matrix");
        assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("embeddings stay in float")
                && n.contains("model.embed_tokens.weight")), r.notes().toString());
        assertEquals(4, r.files().size());
        try (PeftAdapter adapter = PeftAdapter.open(out);
             TensorSource deq = Checkpoints.open(out.resolve("quantized-base/model.safetensors"));
             TensorSource codes = Checkpoints.open(out.resolve("quantized-base/quantized_codes.safetensors"))) {
            assertEquals(3, adapter.modules().size());
            for (CompensateResult.MatrixRow row : r.matrices()) {
                Matrix wm = w.get(row.id());
                PeftAdapter.LoraModule lm = adapter.module(row.module()).orElseThrow();
                assertEquals(1.0, lm.scaling(), 0.0, "alpha_pattern makes the scaling exactly 1");
                assertEquals(4, lm.rank());
                Matrix wHat = new Matrix(wm.rows(), wm.cols(), deq.readDouble(row.id()));
                assertArrayEquals(Quantizer.quantize(wm, QuantScheme.parse("int4-g32")).dequantized().data(), wHat.data(), 0.0);
                // independent prediction: Eckart–Young on σ(E) from the engine
                double[] e = new double[wm.data().length];
                for (int i = 0; i < e.length; i++) {
                    e[i] = wm.data()[i] - wHat.data()[i];
                }
                double[] sigma = BACKEND.singularValues(new Matrix(wm.rows(), wm.cols(), e), SvdBackend.Tolerance.DEFAULT).sigma();
                double tail = 0;
                for (int i = 4; i < sigma.length; i++) {
                    tail += sigma[i] * sigma[i];
                }
                Matrix delta = adapter.delta(lm);
                double s = 0;
                double wn = 0;
                for (int i = 0; i < e.length; i++) {
                    s += (e[i] - delta.data()[i]) * (e[i] - delta.data()[i]);
                    wn += wm.data()[i] * wm.data()[i];
                }
                assertEquals(Math.sqrt(tail), Math.sqrt(s), 1e-5 * Math.sqrt(tail), row.id() + " residual on reload");
                assertEquals(Math.sqrt(tail / wn), row.residual(), 1e-9, row.id() + " predicted");
                assertEquals(Math.sqrt(s / wn), row.measuredResidual(), 1e-9);
                // codes and scales reproduce Ŵ in float32
                double[] q = codes.readDouble(row.module() + ".qweight");
                double[] sc = codes.readDouble(row.module() + ".scales");
                int groups = (wm.cols() + 31) / 32;
                for (int i = 0; i < wm.rows(); i++) {
                    for (int j = 0; j < wm.cols(); j++) {
                        float v = (float) q[i * wm.cols() + j] * (float) sc[i * groups + j / 32];
                        assertEquals(wHat.get(i, j), v, 0.0);
                    }
                }
            }
            assertEquals("int4-g32", codes.metadata().get("scheme"));
            assertTrue(deq.find("model.norm.weight").isPresent(), "other tensors copied");
            assertTrue(deq.find("model.embed_tokens.weight").isPresent());
        }
        try (Stream<Path> left = Files.list(dir)) {
            assertEquals(List.of("adapter", "base.safetensors"), left.map(f -> f.getFileName().toString()).sorted().toList(),
                    "no staging folder left behind");
        }
        String config = Files.readString(out.resolve("adapter_config.json"));
        assertTrue(config.contains("\"rank_pattern\"") && config.contains("\"alpha_pattern\""), config);
    }

    @Test
    void targetErrorPicksTheSmallestSufficientRank() {
        Map<String, Matrix> w = weights(2);
        Path base = write(dir.resolve("base.safetensors"), w, false);
        CompensateParameters p = new CompensateParameters(base.toString(), "int4", null, null, null,
                CompensateParameters.Selection.KEEP_ERROR, 0, 0.05, null, null, 1e-6, null, "auto", null);
        CompensateResult r = run(p);
        for (CompensateResult.MatrixRow row : r.matrices()) {
            double[] s = row.errorSigma();
            assertTrue(row.residual() <= 0.05 + 1e-12, row.id() + " " + row.residual());
            assertTrue(row.rank() > 0, "int4 per-channel loses more than 5 % here: " + row.relativeError());
            // one rank less would not do
            double tail = 0;
            for (int i = row.rank() - 1; i < s.length; i++) {
                tail += s[i] * s[i];
            }
            double wNorm = row.relativeError() == 0 ? 0 : Math.sqrt(sumSq(s)) / row.relativeError();
            assertTrue(Math.sqrt(tail) / wNorm > 0.05, row.id() + " rank is minimal");
        }
        assertTrue(r.files().isEmpty(), "no output folder: analysis only");
    }

    private static double sumSq(double[] s) {
        double t = 0;
        for (double v : s) {
            t += v * v;
        }
        return t;
    }

    @Test
    void budgetGoesThroughTheAllocator() {
        Map<String, Matrix> w = weights(3);
        Path base = write(dir.resolve("base.safetensors"), w, false);
        for (String strategy : List.of("global-optimal", "uniform-rank", "energy")) {
            CompensateParameters p = new CompensateParameters(base.toString(), "nf4", null, null, null,
                    CompensateParameters.Selection.BUDGET, 0, 0, "1000", strategy, 1e-6, null, "auto", null);
            CompensateResult r = run(p);
            assertTrue(r.addedParams() <= 1000, strategy + ": " + r.addedParams());
            assertTrue(r.addedParams() > 1000 - 72 - 1, strategy + " leaves less than one step unused: " + r.addedParams());
            assertEquals(r.addedParams() * 4, r.addedBytes());
        }
    }

    @Test
    void eoraBeatsPlainSvdInActivationSpaceAndMatchesItsPrediction() {
        Map<String, Matrix> w = weights(4);
        Path base = write(dir.resolve("base.safetensors"), w, false);
        Path stats = stats(dir.resolve("stats.safetensors"), w, 5, -1);
        CompensateResult svd = run(new CompensateParameters(base.toString(), "int4", null, stats.toString(),
                CompensateParameters.Method.SVD, CompensateParameters.Selection.RANK, 3, 0, null, null, 1e-6,
                dir.resolve("svd").toString(), "auto", null));
        CompensateResult eora = run(new CompensateParameters(base.toString(), "int4", null, stats.toString(),
                CompensateParameters.Method.EORA, CompensateParameters.Selection.RANK, 3, 0, null, null, 1e-6,
                dir.resolve("eora").toString(), "auto", null));
        assertTrue(svd.verified() && eora.verified(), svd.notes() + " " + eora.notes());
        assertEquals("activation", eora.space());
        for (int i = 0; i < svd.matrices().size(); i++) {
            CompensateResult.MatrixRow a = svd.matrices().get(i);
            CompensateResult.MatrixRow b = eora.matrices().get(i);
            assertEquals(a.activationRelativeError(), b.activationRelativeError(), 1e-12, "same error before");
            assertTrue(b.activationResidual() <= a.activationResidual() + 1e-12,
                    a.id() + ": EoRA is optimal in activation space: " + b.activationResidual() + " vs " + a.activationResidual());
            assertTrue(a.residual() <= b.residual() + 1e-12, "plain SVD is optimal in weight space");
            double[] s = b.activationSigma();
            double tail = 0;
            for (int j = 3; j < s.length; j++) {
                tail += s[j] * s[j];
            }
            double ref = sumSq(s) / (b.activationRelativeError() * b.activationRelativeError());
            assertEquals(Math.sqrt(tail / ref), b.activationResidual(), 1e-9, "Σ_{i>k} σ_i(E')²");
        }
    }

    @Test
    void statisticsOfAnotherModelNameTheModule() {
        Map<String, Matrix> w = weights(6);
        Path base = write(dir.resolve("base.safetensors"), w, false);
        Path stats = stats(dir.resolve("stats.safetensors"), w, 5, 1);
        RankscopeException e = assertThrows(RankscopeException.class, () -> run(new CompensateParameters(base.toString(),
                "int8", null, stats.toString(), CompensateParameters.Method.EORA, CompensateParameters.Selection.RANK, 2, 0,
                null, null, 1e-6, dir.resolve("out").toString(), "auto", null)));
        assertTrue(e.userMessage().contains(UP + ".input_gram is 40×40 but " + UP + " has 32 inputs"), e.userMessage());
        assertFalse(Files.exists(dir.resolve("out")), "nothing written");
    }

    @Test
    void quantizedFilePairsByNameAndListsTheRest() {
        Map<String, Matrix> w = weights(7);
        Path base = write(dir.resolve("base.safetensors"), w, false);
        Map<String, Matrix> q = new LinkedHashMap<>();
        QuantScheme int8 = QuantScheme.parse("int8");
        q.put(Q + ".weight", Quantizer.quantize(w.get(Q + ".weight"), int8).dequantized());
        q.put(UP + ".weight", Quantizer.quantize(w.get(UP + ".weight"), int8).dequantized());
        q.put(DOWN + ".weight", new Matrix(40, 32, new double[40 * 32]));
        q.put("lm_head.weight", new Matrix(5, 32, new double[5 * 32]));
        Path quant = write(dir.resolve("q.safetensors"), q, false);
        CompensateResult r = run(new CompensateParameters(base.toString(), null, quant.toString(), null, null,
                CompensateParameters.Selection.RANK, 2, 0, null, null, 1e-6, dir.resolve("out").toString(), "auto", null));
        assertEquals(List.of(DOWN + ".weight: base 32×40, quantized 40×32"), r.shapeMismatches());
        assertEquals(List.of("model.embed_tokens.weight"), r.onlyInBase());
        assertEquals(List.of("lm_head.weight"), r.onlyInQuantized());
        assertEquals(2, r.matrices().size());
        assertTrue(r.verified());
        assertEquals("file q.safetensors (safetensors)", r.quantization());
        CompensateResult.MatrixRow row = r.matrices().get(0);
        assertTrue(row.relativeError() > 0 && row.relativeError() < 0.02, "int8 per channel: " + row.relativeError());
    }

    @Test
    void nothingToPairIsOneClearSentence() {
        Path base = write(dir.resolve("base.safetensors"), weights(8), false);
        Map<String, Matrix> other = new LinkedHashMap<>();
        other.put("blk.0.attn_q.weight", new Matrix(24, 32, new double[24 * 32]));
        Path quant = write(dir.resolve("other.safetensors"), other, false);
        RankscopeException e = assertThrows(RankscopeException.class, () -> run(new CompensateParameters(base.toString(),
                null, quant.toString(), null, null, CompensateParameters.Selection.RANK, 2, 0, null, null, 1e-6,
                dir.resolve("out").toString(), "auto", null)));
        assertTrue(e.userMessage().contains("blk.0.attn_q.weight"), e.userMessage());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void anOutputOnTheInputIsRefusedBeforeWork() {
        Path base = write(dir.resolve("base.safetensors"), weights(9), false);
        RankscopeException e = assertThrows(RankscopeException.class, () -> run(inTool(base, "int8", base, 2)));
        assertNotNull(e.userMessage());
        assertTrue(Files.isRegularFile(base));
    }

    @Test
    void parametersRoundTripThroughJsonAndValidate() {
        CompensateParameters p = new CompensateParameters("/m", "int4-g128", null, "/s", CompensateParameters.Method.EORA,
                CompensateParameters.Selection.BUDGET, 0, 0, "2M", "energy", 1e-4, "/out", "java", null);
        assertEquals(p, JobJson.read(JobJson.write(p), CompensateParameters.class));
        assertThrows(IllegalArgumentException.class, () -> new CompensateParameters("/m", "q3", null, null, null,
                CompensateParameters.Selection.RANK, 1, 0, null, null, 0, "/o", null, null));
        assertThrows(IllegalArgumentException.class, () -> new CompensateParameters("/m", "int8", null, null,
                CompensateParameters.Method.EORA, CompensateParameters.Selection.RANK, 1, 0, null, null, 0, "/o", null, null));
        assertThrows(IllegalArgumentException.class, () -> new CompensateParameters("/m", "int8", "/q", null, null,
                CompensateParameters.Selection.RANK, 1, 0, null, null, 0, "/o", null, null));
    }
}
