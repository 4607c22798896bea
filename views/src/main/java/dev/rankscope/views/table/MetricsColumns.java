package dev.rankscope.views.table;

import dev.rankscope.analysis.TopKPreview;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMetrics;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The metrics table's columns: per matrix, the names and SPEC §1–2 measures the CLI reports.
 * Values are {@link Number}s (sorted numerically, NaN = unavailable) or {@link String}s. The same
 * definitions drive the table, the clipboard copy and the CSV export, so all three agree.
 */
public final class MetricsColumns {
    private MetricsColumns() {
    }

    /**
     * One column.
     *
     * @param header  CSV/table header (snake_case, as in the CLI)
     * @param tooltip definition with its SPEC section
     * @param value   the cell value of a row
     */
    public record Column(String header, String tooltip, Function<MetricsRow, Object> value) {
    }

    /** The mark of a degenerate MP fit in the {@code mp_fit} column. */
    public static final String DEGENERATE_MARK = "⚠ degenerate";

    /** All columns in display order. */
    public static final List<Column> ALL = List.of(
            text("name", "Matrix id (tensor name, or tensor[i] for an expert slice); \"≈ \" marks an approximate "
                    + "quick-preview row (top-64 singular values) awaiting its exact values",
                    r -> (TopKPreview.isApproximate(r.analysis()) ? "≈ " : "") + r.entry().id()),
            num("layer", "Block index (−1 outside the blocks)", r -> r.entry().name().layer()),
            text("module", "Module type parsed from the name (SPEC §7)", r -> r.entry().name().module().label()),
            num("m", "Rows (out)", r -> r.entry().ref().rows()),
            num("n", "Columns (in)", r -> r.entry().ref().cols()),
            text("dtype", "Stored element type", r -> r.entry().dtype().name()),
            num("erank", "Effective rank exp(H(σ/Σσ)), SPEC §1", r -> ranks(r).effectiveRank()),
            num("erank_ratio", "Effective rank / p", r -> ranks(r).effectiveRank() / Math.max(1, r.entry().fullRank())),
            num("energy_erank", "Energy effective rank (D-Rank), SPEC §1", r -> ranks(r).energyEffectiveRank()),
            num("stable_rank", "Σσ²/σ₁², SPEC §1", r -> ranks(r).stableRank()),
            num("numerical_rank", "#{σ > σ₁·max(m,n)·eps}, SPEC §1", r -> ranks(r).numericalRank()),
            num("r90", "Smallest rank keeping 90 % of Σσ²", r -> ranks(r).rankAt90()),
            num("r95", "Smallest rank keeping 95 % of Σσ²", r -> ranks(r).rankAt95()),
            num("r99", "Smallest rank keeping 99 % of Σσ²", r -> ranks(r).rankAt99()),
            num("spectral_entropy", "WeightWatcher's normalised entropy, SPEC §1", r -> ranks(r).spectralEntropy()),
            num("spectral_norm", "σ₁", r -> ranks(r).spectralNorm()),
            num("frobenius_norm", "sqrt(Σσ²)", r -> ranks(r).frobeniusNorm()),
            num("nuclear_norm", "Σσ", r -> ranks(r).nuclearNorm()),
            num("condition_number", "σ₁/σ_p (∞ when σ_p = 0)", r -> ranks(r).conditionNumber()),
            num("log_norm", "log10 Σσ²", r -> ranks(r).logNorm()),
            num("log_spectral_norm", "log10 σ₁²", r -> ranks(r).logSpectralNorm()),
            num("alpha", "Power-law exponent of the ESD tail, SPEC §2", r -> pl(r, PowerLawFit::alpha)),
            num("xmin", "Tail cut-off xmin", r -> pl(r, PowerLawFit::xmin)),
            num("ks_distance", "Kolmogorov–Smirnov distance D at xmin", r -> pl(r, PowerLawFit::ksDistance)),
            num("num_pl_spikes", "#{λ ≥ xmin}", r -> pl(r, f -> (double) f.numTail())),
            num("alpha_weighted", "α·log10 λ_max", r -> pl(r, PowerLawFit::alphaWeighted)),
            num("mp_bulk_max", "Marchenko–Pastur λ₊ (rescaled λ), SPEC §2", r -> mp(r, MarchenkoPasturFit::bulkMax)),
            num("mp_spikes", "#{λ > λ₊ + √TW}", r -> mp(r, f -> (double) f.numSpikes())),
            num("mp_softrank", "λ₊/λ_max", r -> mp(r, MarchenkoPasturFit::softRank)),
            text("mp_fit", "How the MP fit was made (ww, grid, quick); \"" + DEGENERATE_MARK + "\" marks a fit whose every "
                    + "grid scale was rejected, WeightWatcher's number kept (SPEC §2)", MetricsColumns::mpFit),
            text("verdict", "α < 2 over-trained, α > 6 under-trained", r -> r.analysis().powerLaw() == null ? "" : r.analysis().powerLaw().verdict()),
            text("method", "How the spectrum was computed", r -> r.analysis().spectrum().method().id()),
            num("millis", "Wall time of the SVD", r -> r.analysis().spectrum().millis()),
            text("warnings", "Notes about this matrix", r -> String.join("; ", r.analysis().warnings())));

    /** The cell text: numbers with up to 6 significant digits (integers exact), NaN as empty. */
    public static String format(Object value) {
        if (value instanceof Integer || value instanceof Long) {
            return value.toString();
        }
        if (value instanceof Double d) {
            if (d.isNaN()) {
                return "";
            }
            if (d.isInfinite()) {
                return d > 0 ? "inf" : "-inf";
            }
            return String.format(Locale.ROOT, "%.6g", d).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2").replaceFirst("\\.(e|$)", "$1");
        }
        return value == null ? "" : value.toString();
    }

    private static RankMetrics ranks(MetricsRow r) {
        return r.analysis().ranks();
    }

    private static double pl(MetricsRow r, Function<PowerLawFit, Double> f) {
        return r.analysis().powerLaw() == null ? Double.NaN : f.apply(r.analysis().powerLaw());
    }

    private static double mp(MetricsRow r, Function<MarchenkoPasturFit, Double> f) {
        return r.analysis().mp() == null ? Double.NaN : f.apply(r.analysis().mp());
    }

    private static String mpFit(MetricsRow r) {
        MarchenkoPasturFit fit = r.analysis().mp();
        if (fit == null) {
            return "";
        }
        return fit.method().label() + (fit.degenerate() ? " " + DEGENERATE_MARK : "");
    }

    private static Column text(String h, String tip, Function<MetricsRow, Object> f) {
        return new Column(h, tip, f);
    }

    /** Numeric columns that describe the matrix, not its spectrum: shown for approximate rows too. */
    private static final Set<String> STRUCTURE_COLUMNS = Set.of("layer", "m", "n", "millis");

    /**
     * A numeric column; for an approximate (top-k) row it is empty (NaN) unless a top-k pass can
     * honestly give it ({@link #STRUCTURE_COLUMNS}, or a metric {@link TopKPreview#honest} accepts).
     */
    private static Column num(String h, String tip, Function<MetricsRow, Object> f) {
        return new Column(h, tip, r -> {
            MatrixAnalysis a = r.analysis();
            if (!STRUCTURE_COLUMNS.contains(h) && !TopKPreview.honest(a, h)) {
                return Double.NaN;
            }
            return f.apply(r);
        });
    }
}
