package dev.rankscope.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real weights: all-MiniLM-L6-v2 converted to a Hugging Face sentence-transformers folder
 * ({@link MiniLmFolder}), and Rankscope's embeddings compared with ONNX Runtime running the original ONNX graph on the same token ids.
 */
class MiniLmOnnxRuntimeTest {

    private static final List<String> SENTENCES = List.of(
            "The quick brown fox jumps over the lazy dog.",
            "Singular values of a weight matrix reveal how much of it a low-rank factorisation keeps.",
            "Hello!",
            "Perplexity is the exponential of the mean negative log-likelihood per token, measured on held-out text.",
            "Rankscope runs on the CPU with no Python and no GPU.");

    @TempDir
    static Path dir;
    static Path onnx;
    static Path folder;

    @BeforeAll
    static void convert() {
        MiniLmFolder miniLm = MiniLmFolder.write(dir);
        onnx = miniLm.onnx();
        folder = miniLm.folder();
    }

    @Test
    void embeddingsMatchOnnxRuntime() throws OrtException {
        try (ModelFolder model = ModelFolder.open(folder)) {
            assertEquals(new Pooling(Pooling.Mode.MEAN, true), model.pooling().orElseThrow());
            assertEquals("safetensors", model.weights().format());
            List<int[]> ids = new ArrayList<>();
            for (String s : SENTENCES) {
                ids.add(model.tokenizer().encode(s, true));
            }
            assertEquals(101, ids.get(0)[0], "[CLS] from the post-processor");
            assertEquals(102, ids.get(0)[ids.get(0).length - 1], "[SEP] from the post-processor");
            ForwardResult ours = ModelRuntime.of(model).forward(ids, ForwardOptions.defaults().withLastHidden(true));

            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(onnx.toString(), new OrtSession.SessionOptions())) {
                for (int i = 0; i < ids.size(); i++) {
                    FloatMatrix want = OnnxReference.lastHidden(env, session, ids.get(i));
                    Golden.assertRelClose(want, ours.lastHidden().get(i), 1e-4, "last_hidden_state of sentence " + i);
                    float[] pooled = OnnxReference.meanNormalize(want);
                    double cos = OnnxReference.cosine(pooled, ours.pooled().row(i));
                    assertTrue(cos >= 0.9999, "cosine of sentence " + i + " = " + cos);
                    double norm = Math.sqrt(OnnxReference.dot(ours.pooled().row(i), ours.pooled().row(i)));
                    assertEquals(1.0, norm, 1e-5, "normalised embedding");
                }
            }
            // sentences differ: the embeddings are not all the same vector
            assertTrue(OnnxReference.cosine(ours.pooled().row(0), ours.pooled().row(2)) < 0.9);
        }
    }
}
