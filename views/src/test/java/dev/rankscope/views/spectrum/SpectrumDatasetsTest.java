package dev.rankscope.views.spectrum;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.testing.TestAnalyses;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpectrumDatasetsTest {

    static MatrixEntry entry(String id, int layer, ModuleType t, int m, int n) {
        return new MatrixEntry(Path.of("/m"), MatrixRef.whole(id, m, n), new MatrixName(id, layer, t, id), DType.F32);
    }

    static MatrixAnalysis analysis(int layer, ModuleType t, double... sigma) {
        return TestAnalyses.of(entry("model.layers." + layer + "." + t.label() + ".weight", layer, t, sigma.length, sigma.length + 2), sigma);
    }

    @Test
    void screeAndCumulativeFollowSpec1() {
        MatrixAnalysis a = analysis(0, ModuleType.Q, 3, 2, 1);
        SpectrumData d = SpectrumDatasets.build(List.of(a), a);
        assertEquals(1, d.seriesCount());
        assertEquals(3, d.scree().getItemCount(0));
        assertEquals(1.0, d.scree().getXValue(0, 0));
        assertEquals(3.0, d.scree().getYValue(0, 0));
        // SPEC §1 check: cumulative energy of σ = [3, 2, 1] is [0.6429, 0.9286, 1], r(0.90) = 2, r(0.95) = 3
        assertEquals(0.6429, d.cumulative().getYValue(0, 0), 1e-4);
        assertEquals(0.9286, d.cumulative().getYValue(0, 1), 1e-4);
        assertEquals(1.0, d.cumulative().getYValue(0, 2), 1e-12);
        assertEquals(List.of(2, 3, 3), d.crossings());
        assertEquals("L0 q", d.primaryLabel());
    }

    @Test
    void zeroSingularValuesAreLeftOffTheLogScreePlot() {
        MatrixAnalysis a = analysis(0, ModuleType.Q, 3, 2, 0, 0);
        SpectrumData d = SpectrumDatasets.build(List.of(a), a);
        assertEquals(2, d.scree().getItemCount(0));
        assertEquals(4, d.cumulative().getItemCount(0));
    }

    @Test
    void histogramIsADensityOverLogBins() {
        double[] lambda = new double[200];
        for (int i = 0; i < lambda.length; i++) {
            lambda[i] = Math.pow(10, -3 + 5.0 * i / (lambda.length - 1));
        }
        double[] edges = SpectrumDatasets.logBinEdges(lambda);
        assertEquals(1 + (int) Math.ceil(2 * Math.sqrt(200)), edges.length);
        assertEquals(1e-3, edges[0], 1e-15);
        assertEquals(1e2, edges[edges.length - 1], 1e-9);
        for (int i = 1; i < edges.length - 1; i++) {
            assertEquals(edges[1] / edges[0], edges[i + 1] / edges[i], 1e-9, "log-spaced");
        }
        double[] density = SpectrumDatasets.histogramDensity(lambda, edges);
        double integral = 0;
        for (int b = 0; b < density.length; b++) {
            integral += density[b] * (edges[b + 1] - edges[b]);
        }
        assertEquals(1.0, integral, 1e-12);
        assertEquals(0, SpectrumDatasets.logBinEdges(new double[]{2, 2, 2}).length, "all equal: no bins");
    }

    @Test
    void tailLineFollowsTheFittedParetoDensity() {
        double[] sigma = new double[64];
        for (int i = 0; i < sigma.length; i++) {
            sigma[i] = 10 * Math.pow(i + 1, -0.7);
        }
        MatrixAnalysis a = analysis(2, ModuleType.DOWN, sigma);
        SpectrumData d = SpectrumDatasets.build(List.of(a), a);
        var pl = a.powerLaw();
        assertEquals(pl.alpha(), d.alpha());
        assertEquals(pl.xmin(), d.xmin());
        assertEquals(1, d.tail().getSeriesCount());
        assertEquals(SpectrumDatasets.TAIL_POINTS, d.tail().getItemCount(0));
        double x0 = d.tail().getXValue(0, 0);
        assertEquals(pl.xmin(), x0, 1e-9 * x0);
        double f = (double) pl.numTail() / sigma.length;
        assertEquals(f * (pl.alpha() - 1) / pl.xmin(), d.tail().getYValue(0, 0), 1e-9);
        assertEquals(sigma[0] * sigma[0], d.tail().getXValue(0, SpectrumDatasets.TAIL_POINTS - 1), 1e-9);
    }

    @Test
    void mpEdgeIsMappedBackFromTheMeanOneAxis() {
        MatrixAnalysis a = analysis(0, ModuleType.Q, 3, 2, 1);
        double sumLambda = 9 + 4 + 1;
        assertEquals(a.mp().bulkMax() * sumLambda / 3, SpectrumDatasets.mpEdgeRaw(a), 1e-12);
    }

    @Test
    void overlayKeepsOrderMakesKeysUniqueAndCapsTheCount() {
        List<MatrixAnalysis> many = new ArrayList<>();
        for (int i = 0; i < SpectrumDatasets.MAX_OVERLAY + 3; i++) {
            many.add(analysis(1, ModuleType.Q, 3, 2, 1));
        }
        SpectrumData d = SpectrumDatasets.build(many, many.get(1));
        assertEquals(SpectrumDatasets.MAX_OVERLAY, d.seriesCount());
        assertEquals(3, d.omitted());
        assertEquals("L1 q", d.scree().getSeriesKey(0));
        assertEquals("L1 q #2", d.scree().getSeriesKey(1));
        assertEquals("L1 q #2", d.primaryLabel());
        assertTrue(SpectrumDatasets.build(List.of(), null).isEmpty());
    }
}
