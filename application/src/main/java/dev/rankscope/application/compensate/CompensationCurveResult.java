package dev.rankscope.application.compensate;

import dev.rankscope.application.model.EvaluateResult;

import java.util.List;

/**
 * The quality-vs-rank curve of a compensation (issue 16 §5): one evaluation per rank, against the
 * original model — embedding cosine for encoders, perplexity (with KL and top-1 agreement) for causal
 * LMs. Rank 0 is the quantized model alone.
 *
 * @param points the evaluations, by ascending rank
 */
public record CompensationCurveResult(List<Point> points) {

    public CompensationCurveResult {
        points = List.copyOf(points);
    }

    /**
     * One point of the curve.
     *
     * @param rank       LoRA components kept per module (0 = none)
     * @param evaluation the evaluate job's result at that rank
     */
    public record Point(int rank, EvaluateResult evaluation) {
        /** Mean cosine to the original (encoders), or NaN. */
        public double cosineMean() {
            return evaluation.cosine() == null ? Double.NaN : evaluation.cosine().mean();
        }

        /** Smallest cosine to the original (encoders), or NaN. */
        public double cosineMin() {
            return evaluation.cosine() == null ? Double.NaN : evaluation.cosine().min();
        }

        /** Perplexity of the quantized (+ compensation) model (causal LMs), or NaN. */
        public double perplexity() {
            return evaluation.compressed() == null ? Double.NaN : evaluation.compressed().perplexity();
        }
    }

    /** Whether the points are perplexities (causal LM) rather than embedding cosines. */
    public boolean causal() {
        return !points.isEmpty() && "causal-lm".equals(points.get(0).evaluation().kind());
    }

    /** The original model's perplexity (causal LMs), or NaN. */
    public double originalPerplexity() {
        return points.isEmpty() || points.get(0).evaluation().original() == null ? Double.NaN
                : points.get(0).evaluation().original().perplexity();
    }
}
