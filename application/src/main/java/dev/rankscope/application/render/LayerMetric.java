package dev.rankscope.application.render;

import dev.rankscope.analysis.MatrixAnalysis;

import java.util.Locale;

/**
 * A per-matrix scalar the layer map colours by (SPEC §1–2). Rank measures are divided by
 * p = min(m, n) so layers of different widths compare. {@link Double#NaN} means "not available"
 * (no power-law fit, no MP fit, all-zero matrix).
 */
public enum LayerMetric {
    /** Roy–Vetterli effective rank / p, in (0, 1]. */
    EFFECTIVE_RANK_RATIO("effective rank / p"),
    /** Stable rank Σσ²/σ₁² divided by p, in (0, 1]. */
    STABLE_RANK_RATIO("stable rank / p"),
    /** r(0.90) / p: the share of directions holding 90 % of the energy. */
    RANK90_RATIO("r90 / p"),
    /** Power-law exponent α of the ESD tail. */
    ALPHA("power-law α"),
    /** Eigenvalues above the Marchenko–Pastur bulk edge plus √TW. */
    MP_SPIKES("MP spikes");

    private final String label;

    LayerMetric(String label) {
        this.label = label;
    }

    /** Axis / legend label. */
    public String label() {
        return label;
    }

    /** The metric of one matrix, or NaN when it does not exist for that matrix. */
    public double of(MatrixAnalysis a) {
        int p = a.fullRank();
        return switch (this) {
            case EFFECTIVE_RANK_RATIO -> a.ranks().zeroMatrix() || p == 0 ? Double.NaN : a.ranks().effectiveRank() / p;
            case STABLE_RANK_RATIO -> a.ranks().zeroMatrix() || p == 0 ? Double.NaN : a.ranks().stableRank() / p;
            case RANK90_RATIO -> a.ranks().zeroMatrix() || p == 0 ? Double.NaN : (double) a.ranks().rankAt90() / p;
            case ALPHA -> a.powerLaw() == null ? Double.NaN : a.powerLaw().alpha();
            case MP_SPIKES -> a.mp() == null ? Double.NaN : a.mp().numSpikes();
        };
    }

    /** Whether values live in [0, 1] (the colour scale is then fixed to that range). */
    public boolean isFraction() {
        return this == EFFECTIVE_RANK_RATIO || this == STABLE_RANK_RATIO || this == RANK90_RATIO;
    }

    /** A value as shown in legends and tables ({@code -} for NaN). */
    public String format(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        return this == MP_SPIKES ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
