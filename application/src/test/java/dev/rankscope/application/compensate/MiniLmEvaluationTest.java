package dev.rankscope.application.compensate;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        try (InputStream in = MiniLmEvaluationTest.class.getResourceAsStream("/" + resource)) {
            assertTrue(in != null, resource + " on the test classpath (langchain4j jar)");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The float model as a sentence-transformers folder (config values of MiniLM-L6; weights from the ONNX file). */
    static Path folder(Path dir) throws Exception {
        Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
        copy("all-minilm-l6-v2.onnx", onnx);
        Path folder = Files.createDirectories(dir.resolve("all-MiniLM-L6-v2"));
        copy("all-minilm-l6-v2-tokenizer.json", folder.resolve("tokenizer.json"));
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
                if (t.dtype() == DType.F32) {
                    w.add(t.name(), DType.F32, t.shape(), sink -> sink.put(src.readDouble(t.name())));
                }
            }
            w.write(folder.resolve("model.safetensors"), AtomicFileWriter.unprotected());
        }
        Files.delete(onnx);
        return folder;
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
