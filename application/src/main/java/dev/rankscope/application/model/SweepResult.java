package dev.rankscope.application.model;

import java.util.List;
import java.util.Locale;

/**
 * The quality-vs-size table: the original model plus one point per strategy × kept fraction.
 *
 * @param kind     "causal-lm" or "encoder"
 * @param model    the model folder
 * @param original the original model's row (strategy "original", kept fraction 1)
 * @param points   one row per strategy × kept fraction, in the order asked
 * @param fusedParts whether the plans budgeted the q/k/v parts of fused projections each on its own
 *                   ({@code --fused-parts}); false when asked for but the model has no fused projection
 */
public record SweepResult(String kind, String model, Point original, List<Point> points, boolean fusedParts) {
    public SweepResult {
        points = List.copyOf(points);
    }

    /** A sweep of whole-matrix plans. */
    public SweepResult(String kind, String model, Point original, List<Point> points) {
        this(kind, model, original, points, false);
    }

    /** One line saying how fused projections were planned, or empty when they were planned whole. */
    public String partsNote() {
        return fusedParts ? "q/k/v parts of fused projections planned separately (--fused-parts)" : "";
    }

    /**
     * One evaluated model.
     *
     * @param strategy           strategy name as given ("global-optimal", "global-optimal@svd-llm")
     * @param keep               requested kept fraction
     * @param keptFraction       kept fraction the plan reached
     * @param paramsAfter        parameters the plan keeps (all matrices)
     * @param perplexity         causal LMs: SPEC §8 perplexity (NaN for encoders)
     * @param meanNll            causal LMs: mean NLL
     * @param meanKl             mean KL(original ‖ compressed) (NaN for the original and encoders)
     * @param top1Agreement      top-1 agreement with the original (NaN for the original and encoders)
     * @param cosineMean         encoders: mean cosine to the original embeddings (NaN otherwise)
     * @param planRelError       the plan's relative error (weight space, or activation space when data-aware)
     * @param activationRelError activation-space error from the statistics (NaN without statistics)
     */
    public record Point(String strategy, double keep, double keptFraction, long paramsAfter, double perplexity,
                        double meanNll, double meanKl, double top1Agreement, double cosineMean, double planRelError,
                        double activationRelError) {
    }

    /** The CSV header. */
    public static final String CSV_HEADER = "strategy,keep,kept_fraction,params_after,perplexity,mean_nll,mean_kl,"
            + "top1_agreement,cosine_mean,plan_rel_error,activation_rel_error,fused_parts";

    /** The table as CSV (original first), empty cells for NaN; {@code fused_parts} is the same on every row. */
    public String toCsv() {
        StringBuilder b = new StringBuilder(CSV_HEADER).append('\n');
        row(b, original);
        for (Point p : points) {
            row(b, p);
        }
        return b.toString();
    }

    private void row(StringBuilder b, Point p) {
        b.append(p.strategy()).append(',').append(num(p.keep())).append(',').append(num(p.keptFraction())).append(',')
                .append(p.paramsAfter()).append(',').append(num(p.perplexity())).append(',').append(num(p.meanNll()))
                .append(',').append(num(p.meanKl())).append(',').append(num(p.top1Agreement())).append(',')
                .append(num(p.cosineMean())).append(',').append(num(p.planRelError())).append(',')
                .append(num(p.activationRelError())).append(',').append(fusedParts).append('\n');
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "";
    }

    /** Distinct strategies in order. */
    public List<String> strategies() {
        return points.stream().map(Point::strategy).distinct().toList();
    }
}
