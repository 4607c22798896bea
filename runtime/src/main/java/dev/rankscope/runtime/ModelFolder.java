package dev.rankscope.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A Hugging Face model folder (SPEC §8): {@code config.json}, weights in any format the engine
 * reads ({@link Checkpoints}), {@code tokenizer.json}, and for sentence-transformers encoders
 * {@code modules.json} and {@code 1_Pooling/config.json}. Opening reads the config and the
 * weights' header only; tensors are read on demand by the forward pass.
 *
 * <p>Weights are looked for, in order: {@code model.safetensors.index.json},
 * {@code model.safetensors}, {@code pytorch_model.bin}, {@code model.onnx}, {@code onnx/model.onnx},
 * then whatever single checkpoint the folder holds. Encoders without {@code 1_Pooling} pool by
 * mean without normalisation.
 *
 * <p>Owns the opened weights and tokenizer: {@link #close()} releases both. Not thread-safe to
 * close while a forward pass runs.
 */
public final class ModelFolder implements AutoCloseable {

    /** Weight files tried in order before asking the engine about the folder as a whole. */
    public static final List<String> WEIGHT_FILES = List.of("model.safetensors.index.json", "model.safetensors",
            "pytorch_model.bin", "model.onnx", "onnx/model.onnx");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Path dir;
    private final RuntimeConfig config;
    private final TensorSource weights;
    private final Path tokenizerFile;
    private final Pooling pooling;
    private TextTokenizer tokenizer;

    private ModelFolder(Path dir, RuntimeConfig config, TensorSource weights, Path tokenizerFile, Pooling pooling) {
        this.dir = dir;
        this.config = config;
        this.weights = weights;
        this.tokenizerFile = tokenizerFile;
        this.pooling = pooling;
    }

    /**
     * Opens a model folder that must hold config.json, weights and tokenizer.json. A path to a
     * file inside the folder (e.g. its model.safetensors) opens that folder with that file.
     *
     * @throws ModelRuntimeException one sentence naming what is missing and where it looked, or
     *                               the unsupported {@code model_type} and the supported list
     */
    public static ModelFolder open(Path path) {
        return open(path, true);
    }

    /**
     * Like {@link #open(Path)} without requiring tokenizer.json (token ids given directly, e.g.
     * synthetic checkpoints in benchmarks); {@link #tokenizer()} then fails with that sentence.
     */
    public static ModelFolder openWithoutTokenizer(Path path) {
        return open(path, false);
    }

    private static ModelFolder open(Path path, boolean requireTokenizer) {
        Path p = path.toAbsolutePath().normalize();
        Path dir = Files.isRegularFile(p) ? p.getParent() : p;
        Path weightFile = Files.isRegularFile(p) ? p : null;
        if (!Files.isDirectory(dir)) {
            throw new ModelRuntimeException("Model folder " + path + " not found.");
        }
        Path configFile = dir.resolve("config.json");
        if (!Files.isRegularFile(configFile)) {
            throw new ModelRuntimeException("No config.json in " + dir + " (a model folder needs config.json, "
                    + "weights and tokenizer.json).");
        }
        RuntimeConfig config = RuntimeConfig.read(configFile);
        Path tokenizerFile = dir.resolve("tokenizer.json");
        if (requireTokenizer && !Files.isRegularFile(tokenizerFile)) {
            throw new ModelRuntimeException("No tokenizer.json in " + dir + ".");
        }
        Pooling pooling = config.architecture().isCausal() ? null : readPooling(dir);
        TensorSource weights = openWeights(dir, weightFile);
        return new ModelFolder(dir, config, weights, Files.isRegularFile(tokenizerFile) ? tokenizerFile : null, pooling);
    }

    private static TensorSource openWeights(Path dir, Path weightFile) {
        Path chosen = weightFile;
        if (chosen == null) {
            for (String name : WEIGHT_FILES) {
                if (Files.isRegularFile(dir.resolve(name))) {
                    chosen = dir.resolve(name);
                    break;
                }
            }
        }
        try {
            return Checkpoints.open(chosen != null ? chosen : dir);
        } catch (RankscopeException e) {
            if (chosen == null) {
                throw new ModelRuntimeException("No weights in " + dir + " (looked for "
                        + String.join(", ", WEIGHT_FILES) + " and any other checkpoint file).", e);
            }
            throw new ModelRuntimeException("Weights " + chosen + " cannot be read: " + e.userMessage(), e);
        }
    }

    /** modules.json (Normalize) and the pooling folder's config.json. */
    static Pooling readPooling(Path dir) {
        String poolingDir = "1_Pooling";
        boolean normalize = false;
        Path modules = dir.resolve("modules.json");
        if (Files.isRegularFile(modules)) {
            JsonNode list = readJson(modules);
            if (!list.isArray()) {
                throw new ModelRuntimeException(modules + " is not a JSON list of modules.");
            }
            for (JsonNode m : list) {
                String type = m.path("type").asText("");
                if (type.endsWith(".Normalize")) {
                    normalize = true;
                } else if (type.endsWith(".Pooling") && !m.path("path").asText("").isEmpty()) {
                    poolingDir = m.path("path").asText();
                }
            }
        }
        Path poolingConfig = dir.resolve(poolingDir).resolve("config.json");
        if (!Files.isRegularFile(poolingConfig)) {
            return new Pooling(Pooling.Mode.MEAN, normalize);
        }
        JsonNode pc = readJson(poolingConfig);
        if (pc.path("pooling_mode_cls_token").asBoolean(false)) {
            return new Pooling(Pooling.Mode.CLS, normalize);
        }
        if (pc.path("pooling_mode_mean_tokens").asBoolean(false)) {
            return new Pooling(Pooling.Mode.MEAN, normalize);
        }
        throw new ModelRuntimeException(poolingConfig + " asks for a pooling Rankscope does not run "
                + "(supported: pooling_mode_mean_tokens, pooling_mode_cls_token).");
    }

    private static JsonNode readJson(Path file) {
        try {
            return MAPPER.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new ModelRuntimeException(file + " cannot be read as JSON (" + e.getClass().getSimpleName() + ").", e);
        }
    }

    /** The folder. */
    public Path path() {
        return dir;
    }

    /** The parsed config.json. */
    public RuntimeConfig config() {
        return config;
    }

    /** The opened weights (owned by this folder). */
    public TensorSource weights() {
        return weights;
    }

    /** tokenizer.json, when the folder has one. */
    public Optional<Path> tokenizerFile() {
        return Optional.ofNullable(tokenizerFile);
    }

    /**
     * The folder's tokenizer, loaded on first use (thread-safe).
     *
     * @throws ModelRuntimeException when the folder has no tokenizer.json or it cannot be loaded
     */
    public synchronized TextTokenizer tokenizer() {
        if (tokenizer == null) {
            if (tokenizerFile == null) {
                throw new ModelRuntimeException("No tokenizer.json in " + dir + ".");
            }
            tokenizer = TextTokenizer.open(tokenizerFile);
        }
        return tokenizer;
    }

    /** Encoders: the declared pooling (mean without normalisation when undeclared); causal LMs: empty. */
    public Optional<Pooling> pooling() {
        return Optional.ofNullable(pooling);
    }

    @Override
    public synchronized void close() {
        if (tokenizer != null) {
            tokenizer.close();
            tokenizer = null;
        }
        weights.close();
    }
}
