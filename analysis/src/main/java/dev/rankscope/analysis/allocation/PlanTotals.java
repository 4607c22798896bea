package dev.rankscope.analysis.allocation;

import java.util.List;

/**
 * Totals of a {@link Plan} (SPEC §4–5), derived from its matrices.
 *
 * @param matrixCount          matrices in the plan
 * @param eligibleCount        matrices in scope
 * @param factorisedCount      matrices replaced by factors
 * @param paramsBefore         Σ m·n over all matrices
 * @param paramsAfter          Σ kept parameters over all matrices
 * @param eligibleParamsBefore Σ m·n over eligible matrices
 * @param eligibleParamsAfter  kept parameters of eligible matrices (≤ budgetParams)
 * @param budgetParams         the parameter allowance the budget resolved to
 * @param keptFraction         paramsAfter / paramsBefore
 * @param compressionRatio     paramsBefore / paramsAfter (∞ when nothing is kept)
 * @param bytesBefore          paramsBefore at the plan's byte dtype
 * @param bytesAfter           paramsAfter at the plan's byte dtype
 * @param discardedEnergy      Σ E_l(k_l) over eligible matrices
 * @param relativeError        sqrt(Σ E_l / Σ ‖W_l‖²) over eligible matrices (0 when none)
 */
public record PlanTotals(int matrixCount, int eligibleCount, int factorisedCount, long paramsBefore,
                         long paramsAfter, long eligibleParamsBefore, long eligibleParamsAfter, long budgetParams,
                         double keptFraction, double compressionRatio, long bytesBefore, long bytesAfter,
                         double discardedEnergy, double relativeError) {

    /** Sums {@code matrices}. */
    public static PlanTotals of(List<PlannedMatrix> matrices, long budgetParams) {
        int eligible = 0;
        int factorised = 0;
        long before = 0;
        long after = 0;
        long eBefore = 0;
        long eAfter = 0;
        long bBefore = 0;
        long bAfter = 0;
        double discarded = 0;
        double energy = 0;
        for (PlannedMatrix m : matrices) {
            before += m.paramsBefore();
            after += m.paramsAfter();
            bBefore += m.bytesBefore();
            bAfter += m.bytesAfter();
            if (m.eligible()) {
                eligible++;
                eBefore += m.paramsBefore();
                eAfter += m.paramsAfter();
                discarded += m.discardedEnergy();
                energy += m.totalEnergy();
            }
            if (m.factorised()) {
                factorised++;
            }
        }
        return new PlanTotals(matrices.size(), eligible, factorised, before, after, eBefore, eAfter, budgetParams,
                before == 0 ? 1 : (double) after / before,
                after == 0 ? Double.POSITIVE_INFINITY : (double) before / after,
                bBefore, bAfter, discarded, energy == 0 ? 0 : Math.sqrt(discarded / energy));
    }
}
