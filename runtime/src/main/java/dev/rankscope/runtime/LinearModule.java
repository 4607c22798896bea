package dev.rankscope.runtime;

/**
 * One linear map of a model, as a compression plan names it: the checkpoint's weight tensor name
 * without {@code .weight} (e.g. {@code model.layers.3.self_attn.q_proj}, GPT-2's
 * {@code h.0.attn.c_attn}, BERT's {@code encoder.layer.0.attention.self.query}).
 *
 * <p>The map is {@code y = x·Aᵀ + b} with {@code A} of shape (outFeatures × inFeatures). The
 * checkpoint stores {@code A} as is (PyTorch {@code nn.Linear}, (out, in)) or transposed
 * ({@code storedInOut}: GPT-2's Conv1D, (in, out)). {@link LinearReplacement}s are given in the
 * stored orientation, as the plan's factorised export writes them.
 *
 * @param name         module name (tensor name without {@code .weight})
 * @param layer        transformer block index, or -1 for modules outside the blocks (lm_head)
 * @param inFeatures   input width n (the observer's activation width)
 * @param outFeatures  output width m
 * @param storedInOut  true when the weight tensor is stored (in, out)
 * @param inputGroup   modules that read the same input share this key (q/k/v, gate/up): their
 *                     observer call is made once for the group
 */
public record LinearModule(String name, int layer, int inFeatures, int outFeatures, boolean storedInOut,
                           String inputGroup) {

    /** The weight tensor's name. */
    public String weightName() {
        return name + ".weight";
    }

    /** The bias tensor's name (it may not exist). */
    public String biasName() {
        return name + ".bias";
    }

    /** Stored rows: outFeatures, or inFeatures for (in, out) storage. */
    public int storedRows() {
        return storedInOut ? inFeatures : outFeatures;
    }

    /** Stored columns. */
    public int storedCols() {
        return storedInOut ? outFeatures : inFeatures;
    }
}
