package dev.rankscope.runtime;

/**
 * Receives a causal LM's next-token logits in row blocks, so no batch ever holds every window's
 * tokens × vocab at once. For sequence {@code s}, rows are positions {@code firstPosition …
 * firstPosition + logits.rows() − 1} (0-based within the sequence); row {@code t} is the
 * distribution of token {@code t+1}. Blocks of a sequence come in order; the view is valid
 * only during the call. See {@link LogitMath} for NLL, KL and argmax.
 */
@FunctionalInterface
public interface LogitsSink {

    void accept(int sequence, int firstPosition, FloatMatrix logits);
}
