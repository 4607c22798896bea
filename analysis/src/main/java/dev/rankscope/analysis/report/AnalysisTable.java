package dev.rankscope.analysis.report;

import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.naming.NameParser;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A plain-text, fixed-width table of analysed matrices for the CLI: one line per matrix with
 * name, layer, type, shape, dtype, σ₁ ({@code sigma1}), effective rank, stable rank, numerical rank,
 * r90/r95/r99, α and MP spikes, then a rule and a totals line (matrix count, parameters — of whole
 * matrices only, not of their {@code #part} views (SPEC §7 QKV split, per-head); a pooled conv
 * kernel shows its slice shape with "(K pooled)" and counts all its out·in·K weights — mean
 * effective rank / stable rank / α over matrices that have them, total MP spikes). MP spike
 * counts from the quick estimate carry a {@code q} suffix (SPEC §2 labelling). Numbers use
 * {@link Locale#ROOT}; absent values print as {@code -}. Pure functions returning lines without
 * line ends; the caller prints them.
 */
public final class AnalysisTable {

    private static final String[] HEADERS = {"name", "layer", "type", "shape", "dtype", "sigma1", "erank",
        "stable", "num.rank", "r90", "r95", "r99", "alpha", "spikes"};
    /** Columns right-aligned (numbers). */
    private static final boolean[] RIGHT = {false, true, false, true, false, true, true, true, true, true, true, true,
        true, true};

    private AnalysisTable() {
    }

    /** Table of {@code analysis.matrices()}, then one line per failure ({@code failed: …}). */
    public static List<String> lines(CheckpointAnalysis analysis) {
        List<String> out = new ArrayList<>(lines(analysis.matrices()));
        for (String f : analysis.failures()) {
            out.add("failed: " + f);
        }
        return out;
    }

    /** Header, rule, one row per matrix, rule, totals. */
    public static List<String> lines(List<MatrixAnalysis> matrices) {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADERS);
        long params = 0;
        double erankSum = 0;
        double stableSum = 0;
        int ranked = 0;
        double alphaSum = 0;
        int alphas = 0;
        int spikes = 0;
        for (MatrixAnalysis a : matrices) {
            RankMetrics r = a.ranks();
            rows.add(new String[]{
                a.name().id(),
                a.name().hasLayer() ? Integer.toString(a.name().layer()) : "-",
                a.name().module().label(),
                a.rows() + "x" + a.cols() + (a.spectrum().ref().isPooled()
                        ? " (" + a.spectrum().ref().selection().poolSlices() + " pooled)" : ""),
                a.dtype().name(),
                sci(r.spectralNorm()),
                fixed(r.effectiveRank(), 1),
                fixed(r.stableRank(), 2),
                Integer.toString(r.numericalRank()),
                Integer.toString(r.rankAt90()),
                Integer.toString(r.rankAt95()),
                Integer.toString(r.rankAt99()),
                a.powerLaw() == null ? "-" : fixed(a.powerLaw().alpha(), 2),
                a.mp() == null ? "-" : a.mp().numSpikes() + mpMark(a.mp())});
            if (a.spectrum().ref().isPooled()) {
                params += a.spectrum().ref().baseNumel();   // all kh·kw slices of the kernel
            } else if (!a.name().id().contains(NameParser.PART)) {
                params += (long) a.rows() * a.cols();   // parts (#q, #head3) are views of a counted matrix
            }
            if (!r.zeroMatrix()) {
                erankSum += r.effectiveRank();
                stableSum += r.stableRank();
                ranked++;
            }
            if (a.powerLaw() != null) {
                alphaSum += a.powerLaw().alpha();
                alphas++;
            }
            if (a.mp() != null) {
                spikes += a.mp().numSpikes();
            }
        }
        int[] width = new int[HEADERS.length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        List<String> out = new ArrayList<>();
        int total = 0;
        for (int w : width) {
            total += w;
        }
        String rule = "-".repeat(total + 2 * (width.length - 1));
        for (int i = 0; i < rows.size(); i++) {
            out.add(format(rows.get(i), width));
            if (i == 0) {
                out.add(rule);
            }
        }
        out.add(rule);
        out.add(String.format(Locale.ROOT, "total: %d matrices, %,d parameters, mean erank %s, mean stable rank %s, mean alpha %s, %d MP spikes",
                matrices.size(), params,
                ranked == 0 ? "-" : fixed(erankSum / ranked, 1),
                ranked == 0 ? "-" : fixed(stableSum / ranked, 2),
                alphas == 0 ? "-" : fixed(alphaSum / alphas, 2), spikes));
        if (matrices.stream().anyMatch(a -> a.mp() != null && a.mp().quick())) {
            out.add("q: Marchenko-Pastur bulk from the quick estimate s² = mean(λ); the KDE fit (SPEC §2) found no admissible s");
        }
        if (matrices.stream().anyMatch(a -> a.mp() != null && a.mp().degenerate())) {
            out.add("d: " + Analyzer.DEGENERATE_MP_FIT + " (every grid scale was rejected; WeightWatcher's number shown)");
        }
        if (matrices.stream().anyMatch(a -> a.mp() != null && a.mp().method() == MarchenkoPasturFit.Method.GRID)) {
            out.add("g: Marchenko-Pastur scale from the SPEC-literal grid search (--mp-fit grid), not WeightWatcher's fit");
        }
        return out;
    }

    /** Suffix of the MP spike count: q (quick estimate), g (grid-only fit), d (degenerate fit). */
    private static String mpMark(MarchenkoPasturFit fit) {
        return fit.quick() ? "q" : fit.method() == MarchenkoPasturFit.Method.GRID ? "g" : fit.degenerate() ? "d" : "";
    }

    private static String format(String[] row, int[] width) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < row.length; c++) {
            if (c > 0) {
                sb.append("  ");
            }
            String pad = " ".repeat(width[c] - row[c].length());
            if (RIGHT[c]) {
                sb.append(pad).append(row[c]);
            } else {
                sb.append(row[c]);
                if (c < row.length - 1) {
                    sb.append(pad);
                }
            }
        }
        return sb.toString();
    }

    private static String fixed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    private static String sci(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4g", v) : "-";
    }
}
