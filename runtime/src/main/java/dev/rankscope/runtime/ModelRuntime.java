package dev.rankscope.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The forward pass of a {@link ModelFolder}'s model (SPEC §8), streamed one layer at a time over
 * the whole token batch: each block's weights are widened to float32 (from BF16/F16/F32 or any
 * type the engine decodes) module by module just before use and dropped after, so peak memory is
 * about one layer's float32 weights plus the batch's activations — never the whole model in
 * float32. Activations are float32; every matmul runs on the engine's native {@code sgemm}
 * ({@link dev.rankscope.engine.linalg.FloatGemm}).
 *
 * <p>Causal LMs stream their logits to a {@link LogitsSink} in row blocks; encoders return pooled
 * embeddings. After every block the activations are checked: NaN or Inf fails the pass naming the
 * layer. {@link ForwardMonitor#checkCancelled()} runs between blocks.
 *
 * <p>Holds no per-pass state: several passes may run at once on different threads (each reads the
 * folder's weights independently). Does not own the folder.
 */
public final class ModelRuntime {

    /** Upper bound on the floats of one logits block (64 MB). */
    private static final int LOGITS_BLOCK_FLOATS = 1 << 24;

    private final ModelFolder folder;
    private final Transformer model;

    private ModelRuntime(ModelFolder folder) {
        this.folder = folder;
        this.model = Transformer.of(folder.config(), folder.weights());
    }

    /**
     * The runtime of {@code folder}'s model; reads only tensor names and shapes.
     *
     * @throws ModelRuntimeException when the weights lack tensors the architecture needs
     */
    public static ModelRuntime of(ModelFolder folder) {
        return new ModelRuntime(folder);
    }

    public ModelFolder folder() {
        return folder;
    }

    public RuntimeConfig config() {
        return folder.config();
    }

    /**
     * Every linear module in forward order, with the names plans use (tensor name without
     * {@code .weight}); includes {@code lm_head} when it is not tied to the embedding.
     */
    public List<LinearModule> linearModules() {
        return model.modules();
    }

    /**
     * The full tensor names of the embedding tables the forward pass looks rows up in (the token
     * embedding first, then learned positions and token types where the architecture has them);
     * {@link WeightOverride#table} may replace any of them.
     */
    public List<String> embeddingTables() {
        return model.embeddingTables();
    }

    /** The module named {@code name}, if the model has it. */
    public Optional<LinearModule> linearModule(String name) {
        return model.modules().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /**
     * Runs every sequence through the model as one batch (rows of all sequences concatenated;
     * attention stays within each sequence; positions restart at 0).
     *
     * @param sequences token ids per sequence, each non-empty and inside the vocabulary
     * @throws ModelRuntimeException on bad ids, sequences longer than learned positions,
     *                               missing/mis-shaped tensors, NaN/Inf activations (naming the layer)
     * @throws dev.rankscope.engine.task.AbstractTask.CancelledException when the monitor cancels
     */
    public ForwardResult forward(List<int[]> sequences, ForwardOptions options) {
        RuntimeConfig cfg = config();
        Batch batch = new Batch(sequences, cfg.vocabSize());
        if (batch.maxLength > model.maxSequence()) {
            throw new ModelRuntimeException("A sequence of " + batch.maxLength + " tokens is longer than the "
                    + model.maxSequence() + " positions " + folder.path().getFileName() + " has learned.");
        }
        ForwardMonitor monitor = options.monitor();
        Transformer.Pass pass = new Transformer.Pass(batch, new Weights(folder.weights(), options));
        int steps = cfg.layers() + 2;
        monitor.checkCancelled();
        model.begin(pass);
        FloatMatrix x = model.embed(pass);
        checkFinite(x, "the embeddings");
        monitor.progress(1.0 / steps, "embeddings");
        for (int l = 0; l < cfg.layers(); l++) {
            monitor.checkCancelled();
            x = model.block(l, x, pass);
            checkFinite(x, "layer " + l);
            options.observer().layerFinished(l);
            monitor.progress((l + 2.0) / steps, "layer " + (l + 1) + " of " + cfg.layers());
        }
        monitor.checkCancelled();
        List<FloatMatrix> lastHidden = new ArrayList<>();
        FloatMatrix pooled = null;
        if (cfg.architecture().isCausal()) {
            LinearModule head = model.headModule();
            boolean observeHead = head != null && options.observer() != LinearInputObserver.NONE;
            if (options.logits() != null || options.keepLastHidden() || observeHead) {
                x = model.finalNorm(x, pass);
                checkFinite(x, "the final norm");
                if (options.keepLastHidden()) {
                    lastHidden = split(x, batch);
                }
                if (observeHead) {
                    pass.weights.observe(List.of(head), x);
                }
                if (options.logits() != null) {
                    emitLogits(x, pass, options);
                }
            }
        } else {
            if (options.keepLastHidden()) {
                lastHidden = split(x, batch);
            }
            Pooling pooling = options.pooling() != null ? options.pooling()
                    : folder.pooling().orElse(new Pooling(Pooling.Mode.MEAN, false));
            pooled = pool(x, batch, pooling);
        }
        monitor.progress(1.0, "done");
        return new ForwardResult(batch.tokens(), lastHidden, pooled);
    }

    /**
     * Convenience for one sequence of a causal LM: its logits (tokens × vocab). Holds them all;
     * for long texts stream through {@link ForwardOptions#withLogits} instead.
     */
    public FloatMatrix logits(int[] ids, ForwardOptions options) {
        FloatMatrix out = FloatMatrix.zeros(ids.length, config().vocabSize());
        forward(List.of(ids), options.withLogits((s, first, block) ->
                System.arraycopy(block.data(), 0, out.data(), first * out.cols(), block.rows() * block.cols())));
        return out;
    }

    private void emitLogits(FloatMatrix x, Transformer.Pass pass, ForwardOptions options) {
        int vocab = config().vocabSize();
        int h = config().hidden();
        LinearModule head = model.headModule();
        boolean overridden = head != null && options.weights().replacement(head).isPresent();
        float[] w = null;
        if (!overridden) {
            String tensor = head != null ? head.weightName() : model.tiedHeadTensor();
            long[] shape = folder.weights().require(tensor).shape();
            if (shape.length != 2 || shape[1] != h || shape[0] < vocab) {
                throw new ModelRuntimeException("LM head " + tensor + " has shape " + Weights.shapeString(shape)
                        + ", expected [" + vocab + ", " + h + "].");
            }
            w = pass.weights.readLeading(tensor, Math.multiplyExact(vocab, h));
        }
        Batch batch = pass.batch;
        int blockRows = Math.max(1, LOGITS_BLOCK_FLOATS / vocab);
        for (int s = 0; s < batch.sequences(); s++) {
            for (int first = 0; first < batch.lengths[s]; first += blockRows) {
                int rows = Math.min(blockRows, batch.lengths[s] - first);
                int row0 = batch.starts[s] + first;
                FloatMatrix in = x.rows(row0, row0 + rows);
                FloatMatrix logits;
                if (overridden) {
                    logits = pass.weights.apply(head, in);
                } else {
                    logits = FloatMatrix.zeros(rows, vocab);
                    dev.rankscope.engine.linalg.FloatGemm.multiply(false, true, rows, vocab, h, 1f, in.data(), h,
                            w, h, 0f, logits.data(), vocab);
                    if (head != null && pass.weights.has(head.biasName())) {
                        Kernels.addBias(logits, pass.weights.read(head.biasName(), vocab));
                    }
                }
                checkFinite(logits, "the LM head");
                options.logits().accept(s, first, logits);
            }
        }
    }

    private static List<FloatMatrix> split(FloatMatrix x, Batch batch) {
        List<FloatMatrix> out = new ArrayList<>();
        for (int s = 0; s < batch.sequences(); s++) {
            out.add(x.rows(batch.starts[s], batch.starts[s] + batch.lengths[s]));
        }
        return out;
    }

    /** Mean or CLS pooling per sequence, then L2 normalisation (eps 1e-12, as torch's F.normalize). */
    static FloatMatrix pool(FloatMatrix x, Batch batch, Pooling pooling) {
        int h = x.cols();
        FloatMatrix out = FloatMatrix.zeros(batch.sequences(), h);
        for (int s = 0; s < batch.sequences(); s++) {
            double[] acc = new double[h];
            if (pooling.mode() == Pooling.Mode.CLS) {
                for (int j = 0; j < h; j++) {
                    acc[j] = x.get(batch.starts[s], j);
                }
            } else {
                for (int i = 0; i < batch.lengths[s]; i++) {
                    for (int j = 0; j < h; j++) {
                        acc[j] += x.get(batch.starts[s] + i, j);
                    }
                }
                for (int j = 0; j < h; j++) {
                    acc[j] /= batch.lengths[s];
                }
            }
            double norm = 1;
            if (pooling.normalize()) {
                double ss = 0;
                for (double v : acc) {
                    ss += v * v;
                }
                norm = Math.max(Math.sqrt(ss), 1e-12);
            }
            for (int j = 0; j < h; j++) {
                out.data()[s * h + j] = (float) (acc[j] / norm);
            }
        }
        return out;
    }

    private void checkFinite(FloatMatrix x, String where) {
        int bad = Kernels.firstNonFinite(x);
        if (bad >= 0) {
            throw new ModelRuntimeException("Activations became NaN or infinite in " + where + " of "
                    + folder.path().getFileName() + " (token " + bad / x.cols() + ", feature " + bad % x.cols() + ").");
        }
    }
}
