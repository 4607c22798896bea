package dev.rankscope.analysis;

import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.testing.TestSpectra;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnalyzerTest {

    private static final String ID = "model.layers.2.mlp.down_proj.weight";

    private static Spectrum spectrum(int m, int n, double[] sigma, boolean approximate) {
        return new Spectrum(MatrixRef.whole(ID, m, n), sigma, SvdMethod.OJALGO, Precision.F64, approximate, 3);
    }

    private static double[] gaussianSigma(int m, int n) {
        return TestSpectra.sigma(TestSpectra.gaussian(new Random(9), m, n, 0.05));
    }

    @Test
    void analysesAFloatMatrixWithoutWarnings() {
        double[] sigma = gaussianSigma(120, 60);
        MatrixName name = NameParser.parse(ID);
        MatrixAnalysis a = Analyzer.analyze(name, DType.BF16, spectrum(120, 60, sigma, false));
        assertEquals(name, a.name());
        assertEquals(ModuleType.DOWN, a.name().module());
        assertEquals(DType.BF16, a.dtype());
        assertEquals(RankMeasures.compute(sigma, 120, 60), a.ranks());
        assertNotNull(a.powerLaw());
        assertNotNull(a.mp());
        assertFalse(a.mp().quick());
        assertTrue(a.warnings().isEmpty(), a.warnings().toString());
        assertEquals(120, a.rows());
        assertEquals(60, a.cols());
        assertEquals(60, a.fullRank());
    }

    @Test
    void quantisedDtypeIsLabelled() {
        MatrixAnalysis a = Analyzer.analyze(NameParser.parse(ID), DType.Q4_0, spectrum(40, 30, gaussianSigma(40, 30), false));
        assertTrue(a.warnings().get(0).contains("dequantised"), a.warnings().toString());
        assertTrue(a.warnings().get(0).contains("Q4_0"));
    }

    @Test
    void approximateSpectrumIsLabelledAndHasNoMpFit() {
        double[] top = java.util.Arrays.copyOf(gaussianSigma(80, 50), 10);
        MatrixAnalysis a = Analyzer.analyze(NameParser.parse(ID), DType.F32, spectrum(80, 50, top, true));
        assertNull(a.mp());
        assertTrue(a.warnings().stream().anyMatch(w -> w.startsWith("approximate spectrum: top 10 of 50")), a.warnings().toString());
        assertNotNull(a.powerLaw());
    }

    @Test
    void zeroMatrixIsFlagged() {
        MatrixAnalysis a = Analyzer.analyze(NameParser.parse(ID), DType.F16, spectrum(3, 4, new double[]{0, 0, 0}, false));
        assertTrue(a.ranks().zeroMatrix());
        assertEquals(0, a.ranks().effectiveRank());
        assertNull(a.powerLaw());
        assertNull(a.mp());
        assertEquals(1, a.warnings().size());
        assertTrue(a.warnings().get(0).startsWith("all-zero matrix"));
    }

    @Test
    void tinyMatrixSkipsPowerLawWithWarning() {
        MatrixAnalysis a = Analyzer.analyze(NameParser.parse(ID), DType.F32, spectrum(1, 5, new double[]{2}, false));
        assertNull(a.powerLaw());
        assertNull(a.mp());
        assertEquals(List.of("no power-law or MP fit: 1 eigenvalue (fewer than min_evals = 10)"), a.warnings());
        assertEquals(1, a.ranks().numericalRank());
        MatrixAnalysis forced = Analyzer.analyze(NameParser.parse(ID), DType.F32, spectrum(1, 5, new double[]{2}, false),
                AnalysisParameters.DEFAULT.withMinEvals(0));
        assertNull(forced.powerLaw());
        assertTrue(forced.warnings().stream().anyMatch(w -> w.startsWith("power-law fit skipped")));
    }

    @Test
    void twoByManyEmbeddingIsNotJudgedFromTwoEigenvalues() {
        // the 2×384 token-type embedding of issue #19: no α, no verdict, no MP fit by default
        MatrixAnalysis a = Analyzer.analyze(NameParser.parse(ID), DType.F32,
                spectrum(2, 384, new double[]{3.0, 0.5}, false));
        assertNull(a.powerLaw());
        assertNull(a.mp());
        assertTrue(a.warnings().contains(Analyzer.tooFewReason(2, 10)), a.warnings().toString());
    }

    @Test
    void orthogonalMatrixHasNoFinitePowerLaw() {
        double[] ones = new double[8];
        java.util.Arrays.fill(ones, 1.0);
        MatrixAnalysis a = Analyzer.analyze(NameParser.parse(ID), DType.F32, spectrum(8, 8, ones, false),
                AnalysisParameters.DEFAULT.withMinEvals(2));
        assertNull(a.powerLaw());
        assertTrue(a.warnings().contains("power-law fit skipped: the best tail is a run of equal eigenvalues (α = ∞)"),
                a.warnings().toString());
        assertEquals(8, a.ranks().effectiveRank(), 1e-12);
        assertEquals(1, a.ranks().conditionNumber(), 0);
    }

    @Test
    void mpModes() {
        double[] sigma = gaussianSigma(60, 30);
        MatrixAnalysis quick = Analyzer.analyze(NameParser.parse(ID), DType.F32, spectrum(60, 30, sigma, false),
                new AnalysisParameters(AnalysisParameters.MpMode.QUICK, Double.NaN));
        assertTrue(quick.mp().quick());
        MatrixAnalysis off = Analyzer.analyze(NameParser.parse(ID), DType.F32, spectrum(60, 30, sigma, false),
                new AnalysisParameters(AnalysisParameters.MpMode.OFF, 1e9));
        assertNull(off.mp());
        assertEquals(0, off.ranks().numericalRank(), "custom tolerance applies");
        assertThrows(IllegalArgumentException.class, () -> new AnalysisParameters(AnalysisParameters.MpMode.FIT, -1));
        assertThrows(IllegalArgumentException.class, () -> new AnalysisParameters(null, Double.NaN));
    }

    @Test
    void invalidSpectraAreDomainErrors() {
        RankscopeException wrongLength = assertThrows(RankscopeException.class, () ->
                Analyzer.analyze(NameParser.parse(ID), DType.F32, spectrum(3, 4, new double[]{2, 1}, false)));
        assertTrue(wrongLength.userMessage().contains(ID));
        assertThrows(RankscopeException.class, () ->
                Analyzer.analyze(NameParser.parse(ID), DType.F32, spectrum(2, 4, new double[]{1, 2}, false)));
        assertThrows(RankscopeException.class, () ->
                Analyzer.analyze(NameParser.parse(ID), DType.F32, spectrum(2, 4, new double[]{2, Double.NaN}, false)));
    }
}
