package dev.rankscope.application.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.runtime.MiniLmFolder;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.OnnxReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The encoder path of {@code evaluate} end to end on real weights (all-MiniLM-L6-v2,
 * {@link MiniLmFolder}): a weight-only plan at keep 0.5 gives the cosine of every sentence's
 * compressed to original embedding, summarised as mean, min and 5th percentile. Checked against
 * an independent computation: ONNX Runtime runs the original ONNX graph twice — as is, and with
 * every factorised weight's initializer replaced by its rank-k truncation computed here with
 * ojAlgo's SVD (not the native LAPACK the plan export uses) — and the same statistics are taken
 * over its pooled embeddings. A keep-1.0 plan changes nothing: cosine 1.
 */
class EncoderEvaluateTest {
    static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Singular values of a weight matrix reveal how much of it a low-rank factorisation keeps.",
            "Hello!",
            "Perplexity is the exponential of the mean negative log-likelihood per token.",
            "Rankscope runs on the CPU with no Python and no GPU.",
            "A sentence embedding maps text to a point on the unit sphere.",
            "The river flooded the valley after a week of rain.",
            "She sold the old piano to a collector in Vienna.",
            "Compression that keeps half of the parameters still changes every layer a little.",
            "What time does the next train to the airport leave?",
            "Bake the bread for forty minutes at two hundred degrees.",
            "The committee postponed its decision until the spring meeting.",
            "Attention heads attend to different positions of the input.",
            "My cat sleeps on the windowsill all afternoon.",
            "Prices rose sharply in the third quarter.",
            "Quantum computers promise to factor large numbers quickly.",
            "He forgot his umbrella at the station again.",
            "The library opens at nine on weekdays.",
            "Low-rank adapters train only a small number of parameters.",
            "Snow covered the mountain pass by early November.");

    @TempDir
    static Path dir;
    static MiniLmFolder miniLm;
    static Path text;

    @BeforeAll
    static void convert() throws Exception {
        miniLm = MiniLmFolder.write(dir);
        text = Files.writeString(dir.resolve("sentences.txt"), String.join("\n", SENTENCES) + "\n");
    }

    private static Path plan(double keep, String name) {
        try (ModelFolder folder = ModelFolder.open(miniLm.folder())) {
            PlanInputs inputs = PlanInputs.compute(folder.weights(), Backends.select(Backends.Preference.AUTO), null,
                    DataAwareParameters.of(DataAwareParameters.Method.SVD_LLM_WHITENING), (i, n) -> { });
            Path file = dir.resolve(name);
            PlanJson.write(inputs.plan("global-optimal", keep, false), file);
            return file;
        }
    }

    private static EvaluateResult evaluate(Path plan) {
        return new EvaluateJob().task(new EvaluateParameters(miniLm.folder(), text, plan, null, null,
                EvaluateParameters.DEFAULT_SEQ_LEN, EvaluateParameters.DEFAULT_MAX_TOKENS, null)).runHere();
    }

    @Test
    void cosinesMatchOnnxRuntimeOnTheTruncatedWeights() throws Exception {
        Path planFile = plan(0.5, "half.json");
        Plan plan = PlanJson.read(planFile);
        EvaluateResult r = evaluate(planFile);
        assertEquals("encoder", r.kind());
        assertEquals(SENTENCES.size(), r.windows());
        assertTrue(r.factorisedModules() > 0);
        assertEquals(plan.factorised().size(), r.factorisedModules());
        EvaluateResult.Cosine ours = r.cosine();
        assertNotNull(ours);
        assertEquals(SENTENCES.size(), ours.sentences());

        List<Double> reference = onnxRuntimeCosines(plan);
        double[] sorted = reference.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(sorted).average().orElseThrow();
        double pos = 0.05 * (sorted.length - 1);   // numpy.percentile(…, 5), linear interpolation
        int lo = (int) Math.floor(pos);
        double p5 = sorted[lo] + (sorted[lo + 1] - sorted[lo]) * (pos - lo);
        assertTrue(mean < 0.995, "keep 0.5 visibly changes the embeddings (ONNX Runtime mean cosine " + mean + ")");
        assertEquals(mean, ours.mean(), 1e-4, "mean cosine");
        assertEquals(sorted[0], ours.min(), 1e-4, "min cosine");
        assertEquals(p5, ours.percentile5(), 1e-4, "5th percentile");
        assertTrue(ours.min() <= ours.percentile5() && ours.percentile5() <= ours.mean());
    }

    @Test
    void keepingEverythingGivesCosineOne() {
        EvaluateResult r = evaluate(plan(1.0, "all.json"));
        assertEquals(0, r.factorisedModules(), "nothing to factorise at keep 1.0");
        assertEquals(1.0, r.cosine().mean(), 1e-12);
        assertEquals(1.0, r.cosine().min(), 1e-12);
        assertEquals(1.0, r.cosine().percentile5(), 1e-12);
    }

    /**
     * Per sentence, cos(original, compressed) of ONNX Runtime's pooled embeddings, the compressed
     * graph having each factorised matrix's initializer replaced by its ojAlgo rank-k truncation.
     */
    private static List<Double> onnxRuntimeCosines(Plan plan) throws Exception {
        SvdBackend independent = new OjAlgoBackend();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, String> sourceNames;
        try (TensorSource onnx = Checkpoints.open(miniLm.onnx())) {
            sourceNames = onnx.metadata();
        }
        List<OnnxTensor> replaced = new ArrayList<>();
        List<Double> cosines = new ArrayList<>();
        try (ModelFolder folder = ModelFolder.open(miniLm.folder());
             OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            for (PlannedMatrix pm : plan.factorised()) {
                String initializer = sourceNames.get("onnx.source_name." + pm.id());
                assertNotNull(initializer, pm.id() + " is a MatMul initializer stored (in, out)");
                float[] truncatedT = truncatedTransposed(new Matrix(pm.rows(), pm.cols(),
                        folder.weights().readDouble(pm.id())), pm.rank(), independent);
                OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(truncatedT), new long[] {pm.cols(), pm.rows()});
                replaced.add(t);
                options.addInitializer(initializer, t);
            }
            try (OrtSession original = env.createSession(miniLm.onnx().toString(), new OrtSession.SessionOptions());
                 OrtSession compressed = env.createSession(miniLm.onnx().toString(), options)) {
                for (String s : SENTENCES) {
                    int[] ids = folder.tokenizer().encode(s, true);
                    cosines.add(OnnxReference.cosine(
                            OnnxReference.meanNormalize(OnnxReference.lastHidden(env, original, ids)),
                            OnnxReference.meanNormalize(OnnxReference.lastHidden(env, compressed, ids))));
                }
            }
        } finally {
            replaced.forEach(OnnxTensor::close);
        }
        return cosines;
    }

    /** (Σ_{i<k} σ_i u_i v_iᵀ)ᵀ of the (out, in) matrix w, row-major (in, out) as ONNX's MatMul holds it. */
    private static float[] truncatedTransposed(Matrix w, int k, SvdBackend svd) {
        SvdResult r = svd.svd(w);
        int m = w.rows();
        int n = w.cols();
        float[] out = new float[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int t = 0; t < k; t++) {
                    s += r.u().get(i, t) * r.sigma(t) * r.vt().get(t, j);
                }
                out[j * m + i] = (float) s;
            }
        }
        return out;
    }
}
