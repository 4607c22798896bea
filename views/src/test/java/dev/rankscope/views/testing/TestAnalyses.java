package dev.rankscope.views.testing;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.application.workbench.MatrixEntry;

import java.util.List;

/**
 * Builds {@link MatrixAnalysis} records for view tests from a given spectrum. Rank measures
 * follow SPEC §1 directly; the power-law and MP values are plausible stand-ins (views only
 * display them), computed so tests can predict them.
 */
public final class TestAnalyses {
    private TestAnalyses() {
    }

    public static MatrixAnalysis of(MatrixEntry e, double[] sigma) {
        double sum = 0;
        double sq = 0;
        for (double s : sigma) {
            sum += s;
            sq += s * s;
        }
        double h = 0;
        for (double s : sigma) {
            double q = s / sum;
            if (q > 0) {
                h -= q * Math.log(q);
            }
        }
        double erank = sum == 0 ? 0 : Math.exp(h);
        double he = 0;
        for (double s : sigma) {
            double q = s * s / (sq + 1e-12);
            he -= q * Math.log(q + 1e-12);
        }
        int r90 = threshold(sigma, sq, 0.90);
        int r95 = threshold(sigma, sq, 0.95);
        int r99 = threshold(sigma, sq, 0.99);
        double s1 = sigma.length == 0 ? 0 : sigma[0];
        double sp = sigma.length == 0 ? 0 : sigma[sigma.length - 1];
        RankMetrics ranks = new RankMetrics(erank, Math.exp(he), sq / (s1 * s1), sigma.length, r90, r95, r99,
                0.8, sum, Math.sqrt(sq), s1, sp == 0 ? Double.POSITIVE_INFINITY : s1 / sp, Math.log10(sq),
                Math.log10(s1 * s1), sum == 0);
        int tail = Math.max(2, sigma.length / 4);
        double xmin = sigma[tail - 1] * sigma[tail - 1];
        double alpha = 2 + (e.name().layer() + 1) * 0.25;
        PowerLawFit pl = new PowerLawFit(alpha, xmin, 0.08, (alpha - 1) / Math.sqrt(tail), tail,
                alpha * Math.log10(s1 * s1), Math.log10(Math.pow(s1 * s1, alpha)), alpha < 2 ? "over-trained" : "");
        double q = (double) e.ref().maxDim() / e.ref().minDim();
        double bulkMax = Math.pow(1 + 1 / Math.sqrt(q), 2);
        MarchenkoPasturFit mp = new MarchenkoPasturFit(q, 1.0, Math.pow(1 - 1 / Math.sqrt(q), 2), bulkMax, 0.01, 3,
                bulkMax / (s1 * s1 * sigma.length / sq), true);
        Spectrum spectrum = new Spectrum(e.ref(), sigma, SvdMethod.OJALGO, Precision.F64, false, 1);
        return new MatrixAnalysis(e.name(), e.dtype(), spectrum, ranks, pl, mp, List.of());
    }

    private static int threshold(double[] sigma, double sq, double tau) {
        double run = 0;
        for (int i = 0; i < sigma.length; i++) {
            run += sigma[i] * sigma[i];
            if (run / sq >= tau - 1e-12) {
                return i + 1;
            }
        }
        return sigma.length;
    }
}
