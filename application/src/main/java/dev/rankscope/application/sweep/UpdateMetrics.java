package dev.rankscope.application.sweep;

import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.metrics.RankMetrics;

/**
 * How large and how low-rank the update of one matrix between two checkpoints is (SPEC §10):
 * ΔW = W_b − W_a, its Frobenius norm relative to ‖W_a‖_F, and its effective rank, stable rank
 * and r(0.90) (SPEC §1). Immutable.
 *
 * @param relativeNorm  ‖ΔW‖_F / ‖W_a‖_F (+∞ when W_a = 0 and ΔW ≠ 0, NaN when both are 0)
 * @param effectiveRank Roy–Vetterli effective rank of ΔW (0 when ΔW = 0)
 * @param stableRank    Σσ²/σ₁² of ΔW (0 when ΔW = 0)
 * @param rankAt90      smallest k keeping 90 % of ΔW's energy (0 when ΔW = 0)
 */
public record UpdateMetrics(double relativeNorm, double effectiveRank, double stableRank, int rankAt90)
        implements java.io.Serializable {

    /**
     * The metrics of an update from the singular values of ΔW.
     *
     * @param deltaSigma     σ(ΔW), descending (not modified)
     * @param frobeniusBase  ‖W_a‖_F
     * @param m              rows of ΔW
     * @param n              columns of ΔW
     */
    public static UpdateMetrics of(double[] deltaSigma, double frobeniusBase, int m, int n) {
        RankMetrics r = RankMeasures.compute(deltaSigma, m, n);
        double relative = r.frobeniusNorm() / frobeniusBase;
        return new UpdateMetrics(relative, r.effectiveRank(), r.stableRank(), r.rankAt90());
    }
}
