package dev.rankscope.runtime;

import java.util.List;

/**
 * What a forward pass produced besides the streamed logits.
 *
 * @param tokens     tokens processed (sum of sequence lengths)
 * @param lastHidden per sequence, tokens × hidden (empty unless requested)
 * @param pooled     encoders: sequences × hidden pooled (and normalised if declared) embeddings; null for causal LMs
 */
public record ForwardResult(long tokens, List<FloatMatrix> lastHidden, FloatMatrix pooled) {

    public ForwardResult {
        lastHidden = List.copyOf(lastHidden);
    }
}
