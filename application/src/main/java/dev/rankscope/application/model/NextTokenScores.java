package dev.rankscope.application.model;

import dev.rankscope.runtime.FloatMatrix;
import dev.rankscope.runtime.LogitMath;

/**
 * Accumulates next-token scores over windows (SPEC §8): the negative log-likelihood of each
 * predicted token and, when a compressed model's logits are compared with the original's,
 * KL(p_orig ‖ p_comp) of the next-token distributions and whether their top-1 tokens agree.
 * Row t of a window's logits predicts token t + 1; the last row predicts nothing in the window.
 * Sums in float64 ({@link LogitMath}). Not thread-safe.
 */
public final class NextTokenScores {
    private double nll;
    private double kl;
    private long agree;
    private long count;
    private long compared;

    /**
     * Scores rows {@code [0, logits.rows())} of a block whose first row is window position
     * {@code firstPosition}; {@code ids} are the whole window's tokens.
     */
    public void add(FloatMatrix logits, int firstPosition, int[] ids) {
        for (int r = 0; r < logits.rows(); r++) {
            int t = firstPosition + r;
            if (t + 1 < ids.length) {
                nll += LogitMath.nll(logits, r, ids[t + 1]);
                count++;
            }
        }
    }

    /**
     * KL(p ‖ q) and top-1 agreement at the predicted positions of a block: {@code original} and
     * {@code compressed} hold the same window positions starting at {@code firstPosition}.
     */
    public void compare(FloatMatrix original, FloatMatrix compressed, int firstPosition, int windowLength) {
        if (original.rows() != compressed.rows()) {
            throw new IllegalArgumentException("blocks differ: " + original.rows() + " vs " + compressed.rows() + " rows");
        }
        for (int r = 0; r < original.rows(); r++) {
            if (firstPosition + r + 1 >= windowLength) {
                continue;
            }
            kl += LogitMath.kl(original, r, compressed, r);
            if (LogitMath.argmax(original, r) == LogitMath.argmax(compressed, r)) {
                agree++;
            }
            compared++;
        }
    }

    /** Predicted positions scored. */
    public long tokensScored() {
        return count;
    }

    /** Mean NLL (nats) over the scored positions (NaN when none). */
    public double meanNll() {
        return count == 0 ? Double.NaN : nll / count;
    }

    /** exp(mean NLL). */
    public double perplexity() {
        return Math.exp(meanNll());
    }

    /** Mean KL(p_orig ‖ p_comp) in nats over the compared positions (NaN when none). */
    public double meanKl() {
        return compared == 0 ? Double.NaN : kl / compared;
    }

    /** Fraction of compared positions whose most likely next token is the same (NaN when none). */
    public double top1Agreement() {
        return compared == 0 ? Double.NaN : (double) agree / compared;
    }
}
