package dev.rankscope.application.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.PowerLaw;

import java.util.List;

import static dev.rankscope.application.report.ReportText.fixed;

/**
 * Model-wide means and counts for the report's summary cards: mean effective rank / p over
 * non-zero matrices, mean power-law α, how many α fall outside [2, 6] (SPEC §2) and the MP spikes.
 * Immutable.
 */
record ReportStats(String erankRatio, String alpha, int over, int under, int spikes) {

    /** The stats of {@code ms}. */
    static ReportStats of(List<MatrixAnalysis> ms) {
        double er = 0;
        int ranked = 0;
        double al = 0;
        int alphas = 0;
        int over = 0;
        int under = 0;
        int spikes = 0;
        for (MatrixAnalysis a : ms) {
            if (!a.ranks().zeroMatrix() && a.fullRank() > 0) {
                er += a.ranks().effectiveRank() / a.fullRank();
                ranked++;
            }
            if (a.powerLaw() != null) {
                al += a.powerLaw().alpha();
                alphas++;
                over += a.powerLaw().alpha() < PowerLaw.OVER_TRAINED_BELOW ? 1 : 0;
                under += a.powerLaw().alpha() > PowerLaw.UNDER_TRAINED_ABOVE ? 1 : 0;
            }
            if (a.mp() != null) {
                spikes += a.mp().numSpikes();
            }
        }
        return new ReportStats(ranked == 0 ? "-" : fixed(er / ranked, 3), alphas == 0 ? "-" : fixed(al / alphas, 2),
                over, under, spikes);
    }
}
