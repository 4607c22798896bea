package dev.rankscope.analysis.ww;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMetrics;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every metric Rankscope shares with WeightWatcher 0.7.5.5 equals WeightWatcher's number on the
 * goldens of {@code tools/ww_goldens.py} (SPEC §2): Marchenko–Pastur outputs to 1e-6 relative,
 * power-law, norm and entropy metrics to 1e-9 relative (the two SVDs differ in the last bits).
 * Weights are float32 (C order), widened to float64 by both tools.
 */
class WeightWatcherParityTest {

    static final double MP_TOLERANCE = 1e-6;
    static final double METRIC_TOLERANCE = 1e-9;

    private static WwGoldens goldens;
    private static final Map<String, MatrixAnalysis> ANALYSES = new TreeMap<>();

    @BeforeAll
    static void analyseAll() throws IOException {
        goldens = new WwGoldens();
        for (String name : goldens.matrices) {
            ANALYSES.put(name, WwGoldens.analyze(name, AnalysisParameters.DEFAULT));
        }
    }

    @Test
    void marchenkoPasturOutputsEqualWeightWatchers() {
        Map<String, Double> worst = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> e : goldens.rows.entrySet()) {
            MatrixAnalysis a = ANALYSES.get(e.getKey());
            Map<String, String> row = e.getValue();
            MarchenkoPasturFit mp = a.mp();
            assertEquals(MarchenkoPasturFit.Method.WEIGHTWATCHER, mp.method());
            check(worst, e.getKey(), row, "sigma_mp", mp, MarchenkoPasturFit::sigma, MP_TOLERANCE);
            check(worst, e.getKey(), row, "bulk_max", mp, MarchenkoPasturFit::bulkMaxEigenvalue, MP_TOLERANCE);
            check(worst, e.getKey(), row, "bulk_min", mp, MarchenkoPasturFit::bulkMinEigenvalue, MP_TOLERANCE);
            check(worst, e.getKey(), row, "mp_softrank", mp, MarchenkoPasturFit::softRank, MP_TOLERANCE);
            check(worst, e.getKey(), row, "W_scale", mp, MarchenkoPasturFit::scale, MP_TOLERANCE);
            assertEquals(Integer.parseInt(row.get("num_spikes")), mp.numSpikes(), e.getKey() + " num_spikes");
            assertEquals(Double.parseDouble(row.get("Q")), mp.q(), 0, e.getKey() + " Q");
        }
        System.out.println("max relative deviation from WeightWatcher 0.7.5.5 (MP): " + worst);
    }

    @Test
    void powerLawNormAndEntropyMetricsEqualWeightWatchers() {
        Map<String, Double> worst = new TreeMap<>();
        for (Map.Entry<String, Map<String, String>> e : goldens.rows.entrySet()) {
            String name = e.getKey();
            Map<String, String> row = e.getValue();
            MatrixAnalysis a = ANALYSES.get(name);
            PowerLawFit pl = a.powerLaw();
            RankMetrics r = a.ranks();
            check(worst, name, row, "alpha", pl, PowerLawFit::alpha, METRIC_TOLERANCE);
            check(worst, name, row, "alpha_weighted", pl, PowerLawFit::alphaWeighted, METRIC_TOLERANCE);
            check(worst, name, row, "xmin", pl, PowerLawFit::xmin, METRIC_TOLERANCE);
            check(worst, name, row, "D", pl, PowerLawFit::ksDistance, METRIC_TOLERANCE);
            check(worst, name, row, "sigma", pl, PowerLawFit::sigmaAlpha, METRIC_TOLERANCE);
            check(worst, name, row, "log_alpha_norm", pl, PowerLawFit::logAlphaNorm, METRIC_TOLERANCE);
            assertEquals(Integer.parseInt(row.get("num_pl_spikes")), pl.numTail(), name + " num_pl_spikes");
            check(worst, name, row, "norm", r, x -> x.frobeniusNorm() * x.frobeniusNorm(), METRIC_TOLERANCE);
            check(worst, name, row, "log_norm", r, RankMetrics::logNorm, METRIC_TOLERANCE);
            check(worst, name, row, "spectral_norm", r, x -> x.spectralNorm() * x.spectralNorm(), METRIC_TOLERANCE);
            check(worst, name, row, "log_spectral_norm", r, RankMetrics::logSpectralNorm, METRIC_TOLERANCE);
            check(worst, name, row, "stable_rank", r, RankMetrics::stableRank, METRIC_TOLERANCE);
            check(worst, name, row, "entropy", r, RankMetrics::spectralEntropy, METRIC_TOLERANCE);
            check(worst, name, row, "sv_max", r, RankMetrics::spectralNorm, METRIC_TOLERANCE);
            assertEquals(Integer.parseInt(row.get("matrix_rank")), r.numericalRank(), name + " matrix_rank");
        }
        System.out.println("max relative deviation from WeightWatcher 0.7.5.5 (power law, norms): " + worst);
    }

    @Test
    void aFitWhoseEveryGridCandidateIsRejectedIsFlaggedDegenerate() {
        for (String name : goldens.rows.keySet()) {
            MatrixAnalysis a = ANALYSES.get(name);
            boolean expected = name.equals("lowrank_80x48"); // checked with resid_mp on WeightWatcher's grid
            assertEquals(expected, a.mp().degenerate(), name);
            assertEquals(expected, a.warnings().stream().anyMatch(w -> w.startsWith(Analyzer.DEGENERATE_MP_FIT)),
                    a.warnings().toString());
        }
    }

    @Test
    void matricesWeightWatcherSkipsHaveNoFitsAndSayWhy() {
        int skipped = 0;
        for (String name : goldens.matrices) {
            if (goldens.rows.containsKey(name)) {
                continue;
            }
            skipped++;
            MatrixAnalysis a = ANALYSES.get(name);
            assertTrue(a.fullRank() < AnalysisParameters.DEFAULT_MIN_EVALS, name);
            assertNull(a.powerLaw(), name);
            assertNull(a.mp(), name);
            assertTrue(a.warnings().contains(Analyzer.tooFewReason(a.fullRank(), 10)), a.warnings().toString());
            MatrixAnalysis forced = WwGoldens.analyze(name, AnalysisParameters.DEFAULT.withMinEvals(2));
            assertTrue(forced.powerLaw() != null && forced.mp() != null, name + " fitted with --min-evals 2");
        }
        assertEquals(1, skipped, "tiny_8x20 is below min_evals");
    }

    private static <T> void check(Map<String, Double> worst, String name, Map<String, String> row, String column,
                                  T value, ToDoubleFunction<T> get, double tolerance) {
        double expected = Double.parseDouble(row.get(column));
        double actual = get.applyAsDouble(value);
        double deviation = expected == actual ? 0 : Math.abs(actual - expected) / Math.max(Math.abs(expected), Double.MIN_NORMAL);
        if (expected == 0) {
            deviation = Math.abs(actual);
        }
        worst.merge(column, deviation, Math::max);
        assertTrue(deviation <= tolerance, name + " " + column + ": WeightWatcher " + expected + ", Rankscope " + actual
                + " (relative deviation " + deviation + ")");
    }
}
