package dev.rankscope.application.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.PowerLaw;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Picks the matrices whose spectra the report draws: highest and lowest effective rank / p, the
 * most Marchenko–Pastur spikes, and power-law α outliers (α &lt; 2 "over-trained", α &gt; 6
 * "under-trained", SPEC §2), the most extreme first. A matrix chosen for several reasons appears
 * once with all of them. Pure.
 */
public final class NotableMatrices {
    /** α outliers shown on each side. */
    static final int ALPHA_OUTLIERS_PER_SIDE = 2;

    /**
     * @param matrix  the analysed matrix
     * @param reasons why it is notable, e.g. {@code highest effective rank / p (0.93)}
     */
    public record Notable(MatrixAnalysis matrix, List<String> reasons) {
        public Notable {
            reasons = List.copyOf(reasons);
        }
    }

    private NotableMatrices() {
    }

    /** The notable matrices of {@code matrices}, in the order of the reasons above. */
    public static List<Notable> select(List<MatrixAnalysis> matrices) {
        Map<MatrixAnalysis, List<String>> picked = new LinkedHashMap<>();
        List<MatrixAnalysis> ranked = matrices.stream()
                .filter(a -> !a.ranks().zeroMatrix() && a.fullRank() > 0)
                .sorted(Comparator.comparingDouble(NotableMatrices::erankRatio))
                .toList();
        if (!ranked.isEmpty()) {
            MatrixAnalysis hi = ranked.get(ranked.size() - 1);
            add(picked, hi, String.format(Locale.ROOT, "highest effective rank / p (%.2f)", erankRatio(hi)));
            if (ranked.size() > 1) {
                MatrixAnalysis lo = ranked.get(0);
                add(picked, lo, String.format(Locale.ROOT, "lowest effective rank / p (%.2f)", erankRatio(lo)));
            }
        }
        matrices.stream()
                .filter(a -> a.mp() != null && a.mp().numSpikes() > 0)
                .max(Comparator.comparingInt((MatrixAnalysis a) -> a.mp().numSpikes()))
                .ifPresent(a -> add(picked, a, "most MP spikes (" + a.mp().numSpikes() + ")"));
        List<MatrixAnalysis> withAlpha = matrices.stream().filter(a -> a.powerLaw() != null)
                .sorted(Comparator.comparingDouble((MatrixAnalysis a) -> a.powerLaw().alpha())).toList();
        withAlpha.stream().filter(a -> a.powerLaw().alpha() < PowerLaw.OVER_TRAINED_BELOW)
                .limit(ALPHA_OUTLIERS_PER_SIDE)
                .forEach(a -> add(picked, a, String.format(Locale.ROOT, "α = %.2f < %.0f (over-trained)",
                        a.powerLaw().alpha(), PowerLaw.OVER_TRAINED_BELOW)));
        for (int i = withAlpha.size() - 1, n = 0; i >= 0 && n < ALPHA_OUTLIERS_PER_SIDE; i--) {
            MatrixAnalysis a = withAlpha.get(i);
            if (a.powerLaw().alpha() <= PowerLaw.UNDER_TRAINED_ABOVE) {
                break;
            }
            add(picked, a, String.format(Locale.ROOT, "α = %.2f > %.0f (under-trained)",
                    a.powerLaw().alpha(), PowerLaw.UNDER_TRAINED_ABOVE));
            n++;
        }
        List<Notable> out = new ArrayList<>();
        picked.forEach((a, reasons) -> out.add(new Notable(a, reasons)));
        return out;
    }

    /** Effective rank / p. */
    static double erankRatio(MatrixAnalysis a) {
        return a.ranks().effectiveRank() / a.fullRank();
    }

    private static void add(Map<MatrixAnalysis, List<String>> picked, MatrixAnalysis a, String reason) {
        picked.computeIfAbsent(a, k -> new ArrayList<>()).add(reason);
    }
}
