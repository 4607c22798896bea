package dev.rankscope.application.compensate;

import dev.rankscope.application.model.CompressedModel;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.runtime.FloatMatrix;
import dev.rankscope.runtime.ForwardOptions;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.ModelRuntime;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Embedding quality of a quantized encoder with and without its compensation (issue 16 §5, SPEC
 * §8): the pooled sentence embeddings of the original model, of the model whose compensated
 * matrices — linear modules and embedding tables — are replaced by Ŵ, and of the model with Ŵ + ΔW
 * (the adapter's B·A, or (B·A)ᵀ for an embedding LoRA; {@link CompressedModel#fromQuantized}),
 * compared by cosine to the original's. Runs the {@code runtime} module's forward pass three times
 * over the same token ids. Pure apart from reading the files; call off the FX thread.
 *
 * @param sentences           sentences embedded
 * @param modules             linear modules replaced
 * @param tables              embedding tables replaced
 * @param meanCosineQuantized mean cos(original, quantized)
 * @param minCosineQuantized  smallest cos(original, quantized)
 * @param meanCosineCompensated mean cos(original, quantized + compensation)
 * @param minCosineCompensated  smallest cos(original, quantized + compensation)
 */
public record EmbeddingEvaluation(int sentences, int modules, int tables, double meanCosineQuantized, double minCosineQuantized,
                                  double meanCosineCompensated, double minCosineCompensated) {

    /**
     * {@link #of(Path, CompensateResult, List)} on the non-empty lines (stripped) of {@code textFile}.
     *
     * @throws java.io.UncheckedIOException naming the file when it cannot be read
     */
    public static EmbeddingEvaluation ofLines(Path modelFolder, CompensateResult result, Path textFile) {
        List<String> texts;
        try {
            texts = java.nio.file.Files.readAllLines(textFile).stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(textFile + " cannot be read: " + e.getMessage(), e);
        }
        return of(modelFolder, result, texts);
    }

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
        Set<String> modules = new HashSet<>();
        result.matrices().stream().filter(CompensateResult.MatrixRow::compensated).forEach(m -> modules.add(m.module()));
        try (ModelFolder folder = ModelFolder.open(modelFolder)) {
            CompressedModel quantized = CompressedModel.fromQuantized(result.quantizedModel(), null, folder, modules::contains);
            CompressedModel compensated = CompressedModel.fromQuantized(result.quantizedModel(), out, folder, modules::contains);
            ModelRuntime runtime = ModelRuntime.of(folder);
            List<int[]> ids = new ArrayList<>();
            for (String t : texts) {
                ids.add(folder.tokenizer().encode(t, true));
            }
            FloatMatrix original = runtime.forward(ids, ForwardOptions.defaults()).pooled();
            if (original == null) {
                throw new RankscopeException(modelFolder + " is not an encoder: the embedding evaluation needs pooled embeddings");
            }
            FloatMatrix q = runtime.forward(ids, ForwardOptions.defaults().withWeights(quantized.override())).pooled();
            FloatMatrix c = runtime.forward(ids, ForwardOptions.defaults().withWeights(compensated.override())).pooled();
            double[] cq = cosines(original, q);
            double[] cc = cosines(original, c);
            return new EmbeddingEvaluation(texts.size(), quantized.factorisedModules(),
                    quantized.embeddingTables().size(), mean(cq), min(cq), mean(cc), min(cc));
        }
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
