package dev.rankscope.application.model;

/**
 * Accumulates next-token scores over windows (SPEC §8): the negative log-likelihood of each
 * predicted token, and, when a second (compressed) model's logits are given, KL(p_orig ‖ p_comp)
 * of the next-token distributions and whether their top-1 tokens agree. Log-softmax with
 * max-subtraction, sums in float64. Not thread-safe.
 */
public final class NextTokenScores {
    private double nll;
    private double kl;
    private long agree;
    private long count;
    private long compared;

    /**
     * Scores one window's logits ({@code rows} positions × {@code vocab}, row-major float32): row t
     * predicts {@code ids[t + 1]} for t = 0..rows−2 (the last row predicts nothing in the window).
     */
    public void add(float[] logits, int vocab, int[] ids) {
        int rows = ids.length;
        requireShape(logits, rows, vocab);
        for (int t = 0; t + 1 < rows; t++) {
            int target = ids[t + 1];
            if (target < 0 || target >= vocab) {
                throw new IllegalArgumentException("token id " + target + " is outside the vocabulary of " + vocab);
            }
            double lse = logSumExp(logits, t * vocab, vocab);
            nll += lse - logits[t * vocab + target];
            count++;
        }
    }

    /**
     * KL(p ‖ q) and top-1 agreement at the predicted positions of one window, p from the original
     * model's logits and q from the compressed model's.
     */
    public void compare(float[] original, float[] compressed, int vocab, int rows) {
        requireShape(original, rows, vocab);
        requireShape(compressed, rows, vocab);
        for (int t = 0; t + 1 < rows; t++) {
            int off = t * vocab;
            double lp = logSumExp(original, off, vocab);
            double lq = logSumExp(compressed, off, vocab);
            double sum = 0;
            int argP = 0;
            int argQ = 0;
            for (int v = 0; v < vocab; v++) {
                double logP = original[off + v] - lp;
                double logQ = compressed[off + v] - lq;
                double p = Math.exp(logP);
                if (p > 0) {
                    sum += p * (logP - logQ);
                }
                if (original[off + v] > original[off + argP]) {
                    argP = v;
                }
                if (compressed[off + v] > compressed[off + argQ]) {
                    argQ = v;
                }
            }
            kl += Math.max(0, sum);
            if (argP == argQ) {
                agree++;
            }
            compared++;
        }
    }

    private static void requireShape(float[] logits, int rows, int vocab) {
        if ((long) rows * vocab > logits.length) {
            throw new IllegalArgumentException("logits hold " + logits.length + " values, need " + rows + "×" + vocab);
        }
    }

    /** log Σ exp(x_i) over {@code x[off..off+n)}, max-subtracted, in float64. */
    static double logSumExp(float[] x, int off, int n) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            max = Math.max(max, x[off + i]);
        }
        if (!Double.isFinite(max)) {
            return max;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.exp(x[off + i] - max);
        }
        return max + Math.log(s);
    }

    /** Predicted positions scored. */
    public long tokensScored() {
        return count;
    }

    /** Mean NLL (nats) over the scored positions. */
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
