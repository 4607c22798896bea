package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.tensor.DType;

import java.util.Arrays;
import java.util.Objects;

/**
 * One weight matrix offered to rank allocation (SPEC §4): where it sits in the model, its shape
 * (PyTorch orientation, m = out, n = in) and its full singular spectrum. Immutable; the spectrum
 * is copied in and out.
 *
 * <p>Optional weighting metrics are {@code NaN} when unknown: the energy effective rank and the
 * stable rank are then computed from {@code sigma} (SPEC §1); α (power-law exponent, SPEC §2) is
 * needed only by the alpha-proportional strategy, which rejects inputs without it.
 *
 * @param id                  unique matrix id (tensor name, or {@code tensor[i]} for a slice)
 * @param moduleName          module name without {@code .weight} (PEFT target / rank_pattern key)
 * @param layer               block index, or -1 outside the blocks (embeddings, lm_head)
 * @param module              module type (drives the default {@link Scope})
 * @param rows                m ≥ 1
 * @param cols                n ≥ 1
 * @param dtype               stored element type (reported in plans)
 * @param sigma               all p = min(m, n) singular values, descending, finite, ≥ 0
 * @param energyEffectiveRank D-Rank's energy effective rank, or NaN to compute it from sigma
 * @param stableRank          Σσ²/σ₁², or NaN to compute it from sigma
 * @param alpha               power-law α, or NaN when not fitted
 * @param statistics          calibration statistics for data-aware variants, or null
 */
public record AllocationInput(String id, String moduleName, int layer, ModuleType module, int rows, int cols,
                              DType dtype, double[] sigma, double energyEffectiveRank, double stableRank,
                              double alpha, ModuleStatistics statistics) {

    public AllocationInput {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(moduleName, "moduleName");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(sigma, "sigma");
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException(id + ": shape must be at least 1x1, got " + rows + "x" + cols);
        }
        sigma = sigma.clone();
        if (sigma.length != Math.min(rows, cols)) {
            throw new IllegalArgumentException(id + ": allocation needs all " + Math.min(rows, cols)
                    + " singular values, got " + sigma.length);
        }
        for (int i = 0; i < sigma.length; i++) {
            if (!Double.isFinite(sigma[i]) || sigma[i] < 0) {
                throw new IllegalArgumentException(id + ": singular value " + i + " is " + sigma[i]);
            }
            if (i > 0 && sigma[i] > sigma[i - 1]) {
                throw new IllegalArgumentException(id + ": singular values must be descending (index " + i + ")");
            }
        }
        checkOptional(id, "energy effective rank", energyEffectiveRank);
        checkOptional(id, "stable rank", stableRank);
        if (!Double.isNaN(alpha) && !Double.isFinite(alpha)) {
            throw new IllegalArgumentException(id + ": alpha must be finite or NaN, got " + alpha);
        }
    }

    private static void checkOptional(String id, String what, double v) {
        if (!Double.isNaN(v) && !(Double.isFinite(v) && v >= 0)) {
            throw new IllegalArgumentException(id + ": " + what + " must be ≥ 0 or NaN, got " + v);
        }
    }

    /** An input with only the spectrum known (stored dtype F32, metrics computed on demand). */
    public static AllocationInput of(String id, String moduleName, int layer, ModuleType module,
                                     int rows, int cols, double[] sigma) {
        return new AllocationInput(id, moduleName, layer, module, rows, cols, DType.F32, sigma,
                Double.NaN, Double.NaN, Double.NaN, null);
    }

    /**
     * Builds the input from a finished analysis. The spectrum must be exact (not a randomised
     * top-k pass), since allocation needs every singular value.
     */
    public static AllocationInput from(MatrixAnalysis a) {
        if (a.spectrum().approximate()) {
            throw new AllocationException(a.name().id() + ": rank allocation needs the exact spectrum, "
                    + "but only an approximate top-k spectrum is available");
        }
        double erank = a.ranks() == null ? Double.NaN : a.ranks().energyEffectiveRank();
        double sr = a.ranks() == null ? Double.NaN : a.ranks().stableRank();
        double alpha = a.powerLaw() == null ? Double.NaN : a.powerLaw().alpha();
        return new AllocationInput(a.name().id(), a.name().moduleName(), a.name().layer(), a.name().module(),
                a.rows(), a.cols(), a.dtype(), a.spectrum().sigma(),
                Double.isFinite(erank) ? erank : Double.NaN, Double.isFinite(sr) ? sr : Double.NaN,
                alpha, null);
    }

    /** A copy with calibration statistics attached. */
    public AllocationInput withStatistics(ModuleStatistics stats) {
        return new AllocationInput(id, moduleName, layer, module, rows, cols, dtype, sigma,
                energyEffectiveRank, stableRank, alpha, stats);
    }

    /** A copy with the power-law α set. */
    public AllocationInput withAlpha(double newAlpha) {
        return new AllocationInput(id, moduleName, layer, module, rows, cols, dtype, sigma,
                energyEffectiveRank, stableRank, newAlpha, statistics);
    }

    @Override
    public double[] sigma() {
        return sigma.clone();
    }

    /** σ_i without copying. */
    public double sigma(int i) {
        return sigma[i];
    }

    /** p = min(m, n). */
    public int fullRank() {
        return sigma.length;
    }

    /** Dense parameter count m·n. */
    public long params() {
        return (long) rows * cols;
    }

    /** ‖W‖²_F = Σσ². */
    public double totalEnergy() {
        double s = 0;
        for (double v : sigma) {
            s += v * v;
        }
        return s;
    }

    /**
     * Energy effective rank as given, else SPEC §1 (D-Rank: q = σ²/(Σσ²+1e-12),
     * exp(−Σ q ln(q+1e-12))) via {@link RankMeasures}; 0 for an all-zero matrix.
     */
    public double energyEffectiveRankOrComputed() {
        return Double.isNaN(energyEffectiveRank)
                ? RankMeasures.compute(sigma, rows, cols).energyEffectiveRank() : energyEffectiveRank;
    }

    /** Stable rank as given, else Σσ²/σ₁² via {@link RankMeasures}; 0 for an all-zero matrix. */
    public double stableRankOrComputed() {
        return Double.isNaN(stableRank) ? RankMeasures.compute(sigma, rows, cols).stableRank() : stableRank;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllocationInput a && a.id.equals(id) && a.moduleName.equals(moduleName)
                && a.layer == layer && a.module == module && a.rows == rows && a.cols == cols
                && a.dtype == dtype && Arrays.equals(a.sigma, sigma)
                && Double.compare(a.energyEffectiveRank, energyEffectiveRank) == 0
                && Double.compare(a.stableRank, stableRank) == 0 && Double.compare(a.alpha, alpha) == 0
                && Objects.equals(a.statistics, statistics);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, rows, cols, Arrays.hashCode(sigma));
    }

    @Override
    public String toString() {
        return "AllocationInput[" + id + " " + rows + "x" + cols + " " + module.label() + "]";
    }
}
