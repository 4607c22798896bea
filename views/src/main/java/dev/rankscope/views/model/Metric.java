package dev.rankscope.views.model;

import dev.rankscope.analysis.TopKPreview;
import dev.rankscope.analysis.MatrixAnalysis;

import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * A per-matrix scalar the workbench can colour, badge and sort by: the explorer's badge and the
 * layer map's colour. Values come straight from {@link MatrixAnalysis} (SPEC §1–2); ratios are
 * divided by p = min(m, n) so layers of different widths compare. {@link Double#NaN} means
 * "not available" (e.g. no power-law fit).
 */
public enum Metric {
    ERANK_RATIO("erank / p", "Effective rank (Roy & Vetterli) divided by p, SPEC §1", true,
            a -> ratio(a.ranks().effectiveRank(), a)),
    ENERGY_ERANK_RATIO("energy erank / p", "Energy effective rank (D-Rank) divided by p, SPEC §1", true,
            a -> ratio(a.ranks().energyEffectiveRank(), a)),
    STABLE_RANK("stable rank", "Σσ²/σ₁², SPEC §1", false, a -> a.ranks().stableRank()),
    R90_RATIO("r90 / p", "Smallest rank keeping 90 % of the energy, divided by p, SPEC §1", true,
            a -> ratio(a.ranks().rankAt90(), a)),
    R99_RATIO("r99 / p", "Smallest rank keeping 99 % of the energy, divided by p, SPEC §1", true,
            a -> ratio(a.ranks().rankAt99(), a)),
    NUMERICAL_RANK_RATIO("numerical rank / p", "#{σ > σ₁·max(m,n)·eps} divided by p, SPEC §1", true,
            a -> ratio(a.ranks().numericalRank(), a)),
    ALPHA("α (power law)", "Power-law exponent of the ESD tail (Hill MLE + KS), SPEC §2", false,
            a -> a.powerLaw() == null ? Double.NaN : a.powerLaw().alpha()),
    SPECTRAL_ENTROPY("spectral entropy", "WeightWatcher's normalised entropy of λ = σ², SPEC §1", false,
            a -> a.ranks().spectralEntropy()),
    SIGMA1("σ₁", "Spectral norm (largest singular value), SPEC §1", false, a -> a.ranks().spectralNorm()),
    LOG_NORM("log-norm", "log10 Σσ², SPEC §1", false, a -> a.ranks().logNorm()),
    MP_SOFTRANK("MP soft rank", "Marchenko–Pastur λ₊ / λ_max, SPEC §2", false,
            a -> a.mp() == null ? Double.NaN : a.mp().softRank());

    private final String label;
    private final String description;
    private final boolean fraction;
    private final ToDoubleFunction<MatrixAnalysis> extractor;

    Metric(String label, String description, boolean fraction, ToDoubleFunction<MatrixAnalysis> extractor) {
        this.label = label;
        this.description = description;
        this.fraction = fraction;
        this.extractor = extractor;
    }

    /** Short label for combo boxes, legends and badges. */
    public String label() {
        return label;
    }

    /** One sentence with the definition and its SPEC section, for tooltips. */
    public String description() {
        return description;
    }

    /** True when the value is a fraction of p in [0, 1] (the colour scale is then fixed to [0, 1]). */
    public boolean isFraction() {
        return fraction;
    }

    /**
     * The metric of one analysed matrix, or NaN when unavailable. Pure. For an approximate
     * (quick-preview, top-k) analysis only the metrics a top-k pass can honestly give are
     * returned ({@link #availableWhenApproximate}); the others are NaN until the exact values arrive.
     */
    public double of(MatrixAnalysis analysis) {
        if (analysis.spectrum().approximate() && !availableWhenApproximate(analysis)) {
            return Double.NaN;
        }
        return extractor.applyAsDouble(analysis);
    }

    /**
     * Whether this metric is meaningful for {@code analysis} although its spectrum is only the
     * approximate top-k: σ₁ always (the randomised estimate converges fastest), stable rank and
     * log-norm when the Frobenius norm came from the matrix data
     * ({@link TopKPreview#hasExactFrobenius}). Effective ranks, r90/r99, numerical rank, entropy,
     * α and MP need the whole spectrum. True for every metric of an exact analysis.
     */
    public boolean availableWhenApproximate(MatrixAnalysis analysis) {
        if (!analysis.spectrum().approximate()) {
            return true;
        }
        return switch (this) {
            case SIGMA1 -> TopKPreview.honest(analysis, "spectral_norm");
            case STABLE_RANK -> TopKPreview.honest(analysis, "stable_rank");
            case LOG_NORM -> TopKPreview.honest(analysis, "log_norm");
            default -> false;
        };
    }

    /** {@link #format} of {@link #of}, prefixed "≈ " when the analysis is approximate (badges, tooltips). */
    public String formatOf(MatrixAnalysis analysis) {
        String text = format(of(analysis));
        return analysis.spectrum().approximate() ? "≈ " + text : text;
    }

    /** Compact text for badges and cells: 3 significant digits, "—" for NaN. */
    public String format(double value) {
        return formatValue(value);
    }

    /** Compact number format shared by badges, cells and the details panel: 3 significant digits. */
    public static String formatValue(double value) {
        if (Double.isNaN(value)) {
            return "—";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "∞" : "−∞";
        }
        double abs = Math.abs(value);
        if (value == Math.rint(value) && abs < 1e7) {
            return String.format(Locale.ROOT, "%d", (long) value);
        }
        if (abs != 0 && (abs < 1e-3 || abs >= 1e5)) {
            return String.format(Locale.ROOT, "%.2e", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

    @Override
    public String toString() {
        return label;
    }

    private static double ratio(double value, MatrixAnalysis a) {
        int p = a.fullRank();
        return p == 0 ? Double.NaN : value / p;
    }

}
