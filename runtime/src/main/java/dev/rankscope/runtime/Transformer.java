package dev.rankscope.runtime;

import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One architecture's forward pass as streamed steps (SPEC §8): embeddings, one block at a time,
 * the final norm. The runtime drives the steps so every layer's weights are read, widened and
 * dropped before the next layer's. Implementations hold only the config and module listing.
 */
abstract class Transformer {

    /** Per-pass state shared by the blocks: the batch, positions, weights reader and extras. */
    static final class Pass {
        final Batch batch;
        final Weights weights;
        final int[] positions;
        float[][] rope;

        Pass(Batch batch, Weights weights) {
            this.batch = batch;
            this.weights = weights;
            this.positions = batch.positions();
        }
    }

    final RuntimeConfig cfg;
    final TensorSource source;
    final String prefix;
    private final String layerPath;
    private final Map<String, LinearModule> modules = new LinkedHashMap<>();

    /**
     * @param embeddingSuffix the token embedding's name after the checkpoint's prefix; finds the prefix
     * @param layerPath       the blocks' names after the prefix, before the layer index ("layers.", "h.")
     */
    Transformer(RuntimeConfig cfg, TensorSource source, String embeddingSuffix, String layerPath) {
        this.cfg = cfg;
        this.source = source;
        this.prefix = findPrefix(source, embeddingSuffix, cfg.modelType());
        this.layerPath = layerPath;
    }

    /** The name prefix of block {@code l}'s tensors and modules, ending with a dot. */
    final String layer(int l) {
        return prefix + layerPath + l + ".";
    }

    /** The name part before {@code suffix} of the tensor ending with it ("model.", "transformer.", "bert.", ""). */
    private static String findPrefix(TensorSource source, String suffix, String modelType) {
        String best = null;
        for (TensorInfo t : source.tensors()) {
            String n = t.name();
            if (n.endsWith(suffix) && (n.length() == suffix.length() || n.charAt(n.length() - suffix.length() - 1) == '.')) {
                String p = n.substring(0, n.length() - suffix.length());
                if (best == null || p.length() < best.length()) {
                    best = p;
                }
            }
        }
        if (best == null) {
            throw new ModelRuntimeException("Weights " + source.path() + " have no tensor named …" + suffix
                    + ", which a " + modelType + " model needs.");
        }
        return best;
    }

    void add(LinearModule m) {
        modules.put(m.name(), m);
    }

    LinearModule module(String name) {
        LinearModule m = modules.get(name);
        if (m == null) {
            throw new IllegalStateException("no module " + name);
        }
        return m;
    }

    /** Every linear module, in forward order. */
    List<LinearModule> modules() {
        return Collections.unmodifiableList(List.copyOf(modules.values()));
    }

    /** Largest sequence the model's positions allow, or {@code Integer.MAX_VALUE}. */
    int maxSequence() {
        return Integer.MAX_VALUE;
    }

    /** Per-pass tables the blocks share (RoPE); nothing by default. */
    void begin(Pass pass) {
    }

    abstract FloatMatrix embed(Pass pass);

    /** The full tensor names of the tables {@link #embed} looks rows up in (token, positions, token types). */
    abstract List<String> embeddingTables();

    abstract FloatMatrix block(int layer, FloatMatrix x, Pass pass);

    /** Decoders: the final norm; encoders: {@code x} unchanged. */
    abstract FloatMatrix finalNorm(FloatMatrix x, Pass pass);

    /** Decoders: the untied lm_head module, or null when the head is the token embedding. */
    LinearModule headModule() {
        return null;
    }

    /** Decoders: the tensor the LM head multiplies by (vocab × hidden), when no head module. */
    String tiedHeadTensor() {
        return null;
    }

    /** Token-embedding rows of the batch's ids from tensor {@code name} (vocab × hidden), into a new matrix. */
    FloatMatrix embedRows(String name, Pass pass) {
        int h = cfg.hidden();
        long[] shape = source.require(name).shape();
        if (shape.length != 2 || shape[0] < cfg.vocabSize() || shape[1] != h) {
            throw new ModelRuntimeException("Embedding " + name + " in " + source.path() + " has shape "
                    + Weights.shapeString(shape) + ", expected [" + cfg.vocabSize() + ", " + h + "].");
        }
        FloatMatrix x = FloatMatrix.zeros(pass.batch.tokens(), h);
        for (int r = 0; r < pass.batch.tokens(); r++) {
            pass.weights.readRange(name, (long) pass.batch.ids[r] * h, h, x.data(), r * h);
        }
        return x;
    }

    /** Adds rows {@code rowIndex[r]} of tensor {@code name} (n × hidden) to row r of x. */
    void addRows(FloatMatrix x, String name, int[] rowIndex, Pass pass) {
        int h = cfg.hidden();
        float[] row = new float[h];
        for (int r = 0; r < x.rows(); r++) {
            pass.weights.readRange(name, (long) rowIndex[r] * h, h, row, 0);
            for (int j = 0; j < h; j++) {
                x.data()[r * h + j] += row[j];
            }
        }
    }

    /** The weight of a norm: {@code base.weight}, or old BERT checkpoints' {@code base.gamma}. */
    float[] normWeight(String base, Pass pass) {
        String n = pass.weights.has(base + ".weight") ? base + ".weight" : base + ".gamma";
        return pass.weights.read(n, cfg.hidden());
    }

    /** The bias of a LayerNorm: {@code base.bias} or {@code base.beta}. */
    float[] normBias(String base, Pass pass) {
        String n = pass.weights.has(base + ".bias") ? base + ".bias" : base + ".beta";
        return pass.weights.read(n, cfg.hidden());
    }

    /** Per-head split helper: columns [from, from+cols) of x as a new matrix. */
    static FloatMatrix columns(FloatMatrix x, int from, int cols) {
        FloatMatrix out = FloatMatrix.zeros(x.rows(), cols);
        for (int r = 0; r < x.rows(); r++) {
            System.arraycopy(x.data(), r * x.cols() + from, out.data(), r * cols, cols);
        }
        return out;
    }

    /** The model family for {@code cfg}. */
    static Transformer of(RuntimeConfig cfg, TensorSource source) {
        return switch (cfg.architecture()) {
            case LLAMA -> new LlamaModel(cfg, source);
            case GPT2 -> new Gpt2Model(cfg, source);
            case BERT -> new BertModel(cfg, source);
        };
    }
}
