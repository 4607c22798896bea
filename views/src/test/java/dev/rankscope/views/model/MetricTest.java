package dev.rankscope.views.model;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.TestAnalyses;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricTest {

    @Test
    void valuesComeFromTheAnalysisAndRatiosDivideByP() {
        var e = new FakeWorkbenchServices().open(Path.of("/m/a")).matrices().get(1); // q: 32×32
        MatrixAnalysis a = TestAnalyses.of(e, new double[]{3, 2, 1});
        assertEquals(a.ranks().effectiveRank() / 32, Metric.ERANK_RATIO.of(a), 1e-15);
        assertEquals(14.0 / 9, Metric.STABLE_RANK.of(a), 1e-12);
        assertEquals(3.0 / 32, Metric.R99_RATIO.of(a), 1e-15);
        assertEquals(3.0, Metric.SIGMA1.of(a));
        assertEquals(a.powerLaw().alpha(), Metric.ALPHA.of(a));
        MatrixAnalysis noFit = new MatrixAnalysis(a.name(), a.dtype(), a.spectrum(), a.ranks(), null, null, List.of());
        assertTrue(Double.isNaN(Metric.ALPHA.of(noFit)));
        assertTrue(Double.isNaN(Metric.MP_SOFTRANK.of(noFit)));
    }

    @Test
    void compactFormatting() {
        assertEquals("—", Metric.formatValue(Double.NaN));
        assertEquals("∞", Metric.formatValue(Double.POSITIVE_INFINITY));
        assertEquals("12", Metric.formatValue(12));
        assertEquals("0.723", Metric.formatValue(0.72339));
        assertEquals("2.50", Metric.formatValue(2.5));
        assertEquals("1.23e-05", Metric.formatValue(1.234e-5));
        assertEquals("1.23e+05", Metric.formatValue(123456.7));
    }
}
