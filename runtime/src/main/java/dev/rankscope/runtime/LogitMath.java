package dev.rankscope.runtime;

/**
 * Next-token quantities from one row of logits, accumulated in float64 with max-subtraction
 * (SPEC §8 perplexity and KL). Rows are views into a {@link FloatMatrix}; nothing is modified.
 */
public final class LogitMath {

    private LogitMath() {
    }

    /** {@code log Σ_j exp(z_j)} of row {@code row}, computed as {@code max + log Σ exp(z_j − max)}. */
    public static double logSumExp(FloatMatrix logits, int row) {
        float[] d = logits.data();
        int off = row * logits.cols();
        int n = logits.cols();
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            max = Math.max(max, d[off + j]);
        }
        double sum = 0;
        for (int j = 0; j < n; j++) {
            sum += Math.exp(d[off + j] - max);
        }
        return max + Math.log(sum);
    }

    /** Negative log-likelihood {@code logSumExp − z_target} of {@code target} under row {@code row}. */
    public static double nll(FloatMatrix logits, int row, int target) {
        if (target < 0 || target >= logits.cols()) {
            throw new IllegalArgumentException("target " + target + " outside vocabulary of " + logits.cols());
        }
        return logSumExp(logits, row) - logits.get(row, target);
    }

    /**
     * {@code KL(p ‖ q) = Σ_j p_j (log p_j − log q_j)} between the softmax distributions of
     * row {@code pRow} of {@code p} and row {@code qRow} of {@code q} (same vocabulary).
     */
    public static double kl(FloatMatrix p, int pRow, FloatMatrix q, int qRow) {
        if (p.cols() != q.cols()) {
            throw new IllegalArgumentException("vocabularies differ: " + p.cols() + " vs " + q.cols());
        }
        double lp = logSumExp(p, pRow);
        double lq = logSumExp(q, qRow);
        int n = p.cols();
        int po = pRow * n;
        int qo = qRow * n;
        double sum = 0;
        for (int j = 0; j < n; j++) {
            double logP = p.data()[po + j] - lp;
            double logQ = q.data()[qo + j] - lq;
            sum += Math.exp(logP) * (logP - logQ);
        }
        return Math.max(0, sum);
    }

    /** Index of the largest logit of row {@code row} (the first on ties). */
    public static int argmax(FloatMatrix logits, int row) {
        float[] d = logits.data();
        int off = row * logits.cols();
        int best = 0;
        for (int j = 1; j < logits.cols(); j++) {
            if (d[off + j] > d[off + best]) {
                best = j;
            }
        }
        return best;
    }
}
