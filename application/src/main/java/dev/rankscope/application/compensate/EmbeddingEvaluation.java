package dev.rankscope.application.compensate;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.runtime.FloatMatrix;
import dev.rankscope.runtime.ForwardOptions;
import dev.rankscope.runtime.LinearModule;
import dev.rankscope.runtime.LinearReplacement;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.ModelRuntime;
import dev.rankscope.runtime.WeightOverride;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Embedding quality of a quantized encoder with and without its compensation (issue 16 §5, SPEC
 * §8): the pooled sentence embeddings of the original model, of the model whose compensated
 * matrices are replaced by Ŵ, and of the model with Ŵ + B·A, compared by cosine to the original's.
 * Runs the {@code runtime} module's forward pass three times over the same token ids. Pure apart
 * from reading the files; call off the FX thread.
 *
 * @param sentences           sentences embedded
 * @param modules             modules replaced
 * @param meanCosineQuantized mean cos(original, quantized)
 * @param minCosineQuantized  smallest cos(original, quantized)
 * @param meanCosineCompensated mean cos(original, quantized + compensation)
 * @param minCosineCompensated  smallest cos(original, quantized + compensation)
 */
public record EmbeddingEvaluation(int sentences, int modules, double meanCosineQuantized, double minCosineQuantized,
                                  double meanCosineCompensated, double minCosineCompensated) {

    /**
     * Evaluates a compensate run.
     *
     * @param modelFolder the base as a Hugging Face encoder folder (config.json, weights, tokenizer.json)
     * @param result      a finished run that wrote its adapter
     * @param texts       sentences to embed (at least one)
     */
    public static EmbeddingEvaluation of(Path modelFolder, CompensateResult result, List<String> texts) {
        if (result.files().isEmpty()) {
            throw new RankscopeException("the compensate run wrote no adapter, so there is nothing to evaluate");
        }
        if (texts.isEmpty()) {
            throw new RankscopeException("no sentences to embed for the evaluation");
        }
        CompensateParameters p = result.parameters();
        Path out = Path.of(p.out());
        Path quantFile = result.quantizedModel();
        Map<String, Matrix> quantized = new LinkedHashMap<>();
        Map<String, Matrix> compensated = new LinkedHashMap<>();
        try (TensorSource base = Checkpoints.open(Path.of(p.base()));
             TensorSource quant = dev.rankscope.engine.io.gguf.HuggingFaceView.pairedWith(Checkpoints.open(quantFile), base);
             PeftAdapter adapter = PeftAdapter.open(out)) {
            for (CompensateResult.MatrixRow row : result.matrices()) {
                if (!row.compensated()) {
                    continue;
                }
                Matrix wHat = MatrixReader.read(quant, MatrixRef.whole(row.id(), row.rows(), row.cols()));
                quantized.put(row.module(), wHat);
                Matrix sum = wHat;
                var lm = adapter.module(row.module());
                if (lm.isPresent()) {
                    Matrix d = adapter.delta(lm.get());
                    double[] s = wHat.data().clone();
                    for (int i = 0; i < s.length; i++) {
                        s[i] += d.data()[i];
                    }
                    sum = new Matrix(wHat.rows(), wHat.cols(), s);
                }
                compensated.put(row.module(), sum);
            }
        }
        try (ModelFolder folder = ModelFolder.open(modelFolder)) {
            ModelRuntime runtime = ModelRuntime.of(folder);
            List<int[]> ids = new ArrayList<>();
            for (String t : texts) {
                ids.add(folder.tokenizer().encode(t, true));
            }
            FloatMatrix original = runtime.forward(ids, ForwardOptions.defaults()).pooled();
            FloatMatrix q = runtime.forward(ids, ForwardOptions.defaults().withWeights(override(runtime, quantized))).pooled();
            FloatMatrix c = runtime.forward(ids, ForwardOptions.defaults().withWeights(override(runtime, compensated))).pooled();
            if (original == null) {
                throw new RankscopeException(modelFolder + " is not an encoder: the embedding evaluation needs pooled embeddings");
            }
            double[] cq = cosines(original, q);
            double[] cc = cosines(original, c);
            return new EmbeddingEvaluation(texts.size(), quantized.size(), mean(cq), min(cq), mean(cc), min(cc));
        }
    }

    private static WeightOverride override(ModelRuntime runtime, Map<String, Matrix> weights) {
        Map<String, LinearReplacement> byName = new LinkedHashMap<>();
        for (Map.Entry<String, Matrix> e : weights.entrySet()) {
            LinearModule module = runtime.linearModule(e.getKey()).orElseThrow(() -> new RankscopeException(
                    "the model folder has no linear module " + e.getKey() + " to replace"));
            Matrix w = module.storedInOut() ? e.getValue().transpose() : e.getValue();
            float[] v = new float[w.data().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) w.data()[i];
            }
            byName.put(e.getKey(), new LinearReplacement.Dense(w.rows(), w.cols(), v));
        }
        return WeightOverride.of(byName);
    }

    private static double[] cosines(FloatMatrix a, FloatMatrix b) {
        double[] out = new double[a.rows()];
        for (int i = 0; i < out.length; i++) {
            float[] x = a.row(i);
            float[] y = b.row(i);
            double xy = 0;
            double xx = 0;
            double yy = 0;
            for (int j = 0; j < x.length; j++) {
                xy += (double) x[j] * y[j];
                xx += (double) x[j] * x[j];
                yy += (double) y[j] * y[j];
            }
            out[i] = xy / Math.sqrt(xx * yy);
        }
        return out;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double x : v) {
            m = Math.min(m, x);
        }
        return m;
    }
}
