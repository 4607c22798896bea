package dev.rankscope.runtime;

import java.util.Objects;

/**
 * What a forward pass uses and produces besides the token ids. Immutable; build with
 * {@link #defaults()} and the {@code with…} methods.
 *
 * @param weights        replacement weights per linear module ({@link WeightOverride#NONE}: the checkpoint's)
 * @param observer       sees every linear module's input ({@link LinearInputObserver#NONE})
 * @param logits         receives causal LMs' logits in row blocks, or null to skip the LM head
 * @param keepLastHidden keep each sequence's last hidden state (after the final norm for
 *                       decoders, the last block's output for encoders) in the result
 * @param pooling        encoders' pooling; null = the folder's (1_Pooling / modules.json)
 * @param monitor        progress and cancel
 */
public record ForwardOptions(WeightOverride weights, LinearInputObserver observer, LogitsSink logits,
                             boolean keepLastHidden, Pooling pooling, ForwardMonitor monitor) {

    public ForwardOptions {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(observer, "observer");
        Objects.requireNonNull(monitor, "monitor");
    }

    /** Checkpoint weights, no observer, no logits, no hidden states, the folder's pooling, no monitor. */
    public static ForwardOptions defaults() {
        return new ForwardOptions(WeightOverride.NONE, LinearInputObserver.NONE, null, false, null, ForwardMonitor.NONE);
    }

    public ForwardOptions withWeights(WeightOverride w) {
        return new ForwardOptions(w, observer, logits, keepLastHidden, pooling, monitor);
    }

    public ForwardOptions withObserver(LinearInputObserver o) {
        return new ForwardOptions(weights, o, logits, keepLastHidden, pooling, monitor);
    }

    public ForwardOptions withLogits(LogitsSink sink) {
        return new ForwardOptions(weights, observer, sink, keepLastHidden, pooling, monitor);
    }

    public ForwardOptions withLastHidden(boolean keep) {
        return new ForwardOptions(weights, observer, logits, keep, pooling, monitor);
    }

    public ForwardOptions withPooling(Pooling p) {
        return new ForwardOptions(weights, observer, logits, keepLastHidden, p, monitor);
    }

    public ForwardOptions withMonitor(ForwardMonitor m) {
        return new ForwardOptions(weights, observer, logits, keepLastHidden, pooling, m);
    }
}
