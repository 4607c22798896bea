package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.intruders.IntruderParameters;

/**
 * One row of the Compare tab's matrix table at the current (k, ε) (SPEC §3): the numbers
 * {@code rankscope intruders} prints for the same matrix. Immutable.
 *
 * @param result             the cached per-matrix result the row was derived from
 * @param intruders          count of tuned vectors j &lt; k with c_j &lt; ε
 * @param ranks              1-based ranks of the intruders, comma separated ("–" when none)
 * @param minCosine          min_j c_j over the first k tuned vectors (1 when identical)
 * @param deltaEffectiveRank effective rank of ΔW = W_t − W₀
 * @param deltaStableRank    stable rank of ΔW
 * @param spectralDistance   ‖σ_t − σ₀‖₂ / ‖σ₀‖₂
 */
public record CompareRow(IntruderMatrixResult result, int intruders, String ranks, double minCosine,
                         double deltaEffectiveRank, double deltaStableRank, double spectralDistance) {

    /** The row of {@code r} at {@code params}. */
    public static CompareRow of(IntruderMatrixResult r, IntruderParameters params) {
        IntruderMatrixResult.Intruders in = r.intruders(params);
        double min = 1;
        int k = Math.min(params.k(), r.overlapRows());
        for (int j = 0; j < k; j++) {
            min = Math.min(min, r.maxCosineAt(j));
        }
        StringBuilder sb = new StringBuilder();
        for (int rank : in.ranks()) {
            sb.append(sb.length() == 0 ? "" : ",").append(rank);
        }
        return new CompareRow(r, in.count(), sb.length() == 0 ? "–" : sb.toString(), min, r.deltaEffectiveRank(),
                r.deltaStableRank(), r.spectralDistance());
    }

    /** Matrix id. */
    public String name() {
        return result.name().id();
    }

    /** Layer index, −1 outside the blocks. */
    public int layer() {
        return result.name().layer();
    }

    /** Module label (q, k, v, …). */
    public String module() {
        return result.name().module().label();
    }

    /** m×n. */
    public String shape() {
        return result.shapeString();
    }
}
