package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.tensor.DType;

import java.util.Objects;

/**
 * The decision for one matrix in a {@link Plan} (SPEC §4–5). A factorised matrix keeps rank k as
 * factors U (m×k) and V (k×n), k(m+n) parameters; a dense one (eligible but at or above
 * break-even, or ineligible) keeps all mn parameters and has rank p = min(m, n).
 *
 * @param id             matrix id (tensor name)
 * @param moduleName     module name (PEFT key)
 * @param layer          block index, -1 outside blocks
 * @param module         module type
 * @param rows           m
 * @param cols           n
 * @param dtype          stored element type
 * @param eligible       in scope and not excluded (counted in the budget)
 * @param dense          kept dense (always true when not eligible)
 * @param rank           kept rank k (p when dense)
 * @param paramsBefore   m·n
 * @param paramsAfter    k(m+n) when factorised, else m·n
 * @param bytesBefore    paramsBefore at the plan's byte dtype
 * @param bytesAfter     paramsAfter at the plan's byte dtype
 * @param totalEnergy    ‖W‖²_F = Σσ²
 * @param retainedEnergy Σ_{i≤k}σ²/Σσ² (1 when dense or all-zero)
 * @param relativeError  sqrt(E(k)/Σσ²), the Frobenius error of the best rank-k approximation (Eckart–Young)
 * @param label          WeLore LRC/N-LRC label, or NONE
 */
public record PlannedMatrix(String id, String moduleName, int layer, ModuleType module, int rows, int cols,
                            DType dtype, boolean eligible, boolean dense, int rank, long paramsBefore,
                            long paramsAfter, long bytesBefore, long bytesAfter, double totalEnergy,
                            double retainedEnergy, double relativeError, LowRankLabel label) {
    public PlannedMatrix {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(moduleName, "moduleName");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(label, "label");
        if (!eligible && !dense) {
            throw new IllegalArgumentException(id + ": an ineligible matrix must stay dense");
        }
        if (rank < 0 || rank > Math.min(rows, cols)) {
            throw new IllegalArgumentException(id + ": rank " + rank + " outside [0, " + Math.min(rows, cols) + "]");
        }
    }

    /** p = min(m, n). */
    public int fullRank() {
        return Math.min(rows, cols);
    }

    /** Whether the matrix is replaced by factors. */
    public boolean factorised() {
        return !dense;
    }

    /** E(k) = Σ_{i>k}σ² (from the relative error, exact up to rounding). */
    public double discardedEnergy() {
        return relativeError * relativeError * totalEnergy;
    }

    /** paramsAfter/paramsBefore. */
    public double keptFraction() {
        return paramsBefore == 0 ? 1 : (double) paramsAfter / paramsBefore;
    }

    /** Shape as {@code m×n}. */
    public String shapeString() {
        return rows + "×" + cols;
    }
}
