package dev.rankscope.application.compensate;

import dev.rankscope.runtime.MiniLmFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16 §5 on real weights: sentence embeddings of all-MiniLM-L6-v2 (runtime forward pass) with
 * the int8 ONNX weights of layers 0–1 in place of the float ones, with and without the rank-32
 * compensation. The compensated model's embeddings must be closer to the original's.
 */
class MiniLmEvaluationTest {
    static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Singular values of a weight matrix reveal how much of it a low-rank factorisation keeps.",
            "Hello!",
            "Quantization rounds every weight to a few bits and loses a little of the model.",
            "A low-rank adapter can give back what rounding took away.",
            "Rankscope runs on the CPU with no Python and no GPU.");

    @TempDir
    Path dir;

    static void copy(String resource, Path target) throws Exception {
        MiniLmFolder.copyResource(resource, target);
    }

    /** The float model as a sentence-transformers folder ({@link MiniLmFolder}; the ONNX copy removed). */
    static Path folder(Path dir) throws Exception {
        MiniLmFolder miniLm = MiniLmFolder.write(dir);
        Files.delete(miniLm.onnx());
        return miniLm.folder();
    }

    @Test
    void compensationBringsTheEmbeddingsBack() throws Exception {
        Path folder = folder(dir);
        Path quant = dir.resolve("all-minilm-l6-v2-q.onnx");
        copy("all-minilm-l6-v2-q.onnx", quant);
        CompensateParameters p = new CompensateParameters(folder.resolve("model.safetensors").toString(), null,
                quant.toString(), null, CompensateParameters.Method.SVD, CompensateParameters.Selection.RANK, 32, 0, null,
                null, 1e-6, dir.resolve("adapter").toString(), "auto", "^encoder\\.layer\\.[01]\\.");
        CompensateResult r = new CompensateJob().task(p).runHere();
        assertTrue(r.verified(), r.notes().toString());
        EmbeddingEvaluation e = EmbeddingEvaluation.of(folder, r, SENTENCES);
        assertEquals(6, e.sentences());
        assertEquals(12, e.modules());
        assertTrue(e.meanCosineQuantized() < 1 && e.meanCosineQuantized() > 0.99, e.toString());
        assertTrue(e.meanCosineCompensated() > e.meanCosineQuantized(), e.toString());
        assertTrue(1 - e.meanCosineCompensated() < 0.95 * (1 - e.meanCosineQuantized()),
                "the compensation removes at least 5 % of the cosine gap: " + e);
    }
}
