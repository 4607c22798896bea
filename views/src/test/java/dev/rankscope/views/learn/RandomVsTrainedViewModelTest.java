package dev.rankscope.views.learn;

import dev.rankscope.analysis.metrics.MarchenkoPastur;
import dev.rankscope.analysis.metrics.PowerLaw;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.views.fx.WorkbenchExecutors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RandomVsTrainedViewModelTest {
    private final SvdBackend backend = Backends.select(Backends.Preference.JAVA);

    @Test
    void defaultShapeMatchesAnalysisFunctions() {
        RandomVsTrainedViewModel vm = new RandomVsTrainedViewModel(backend, WorkbenchExecutors.sameThread());
        vm.setLayer(null);
        RandomVsTrainedViewModel.Comparison c = vm.comparisonProperty().get();
        int m = RandomVsTrainedViewModel.DEFAULT_ROWS;
        int n = RandomVsTrainedViewModel.DEFAULT_COLS;
        double[] synthetic = RandomVsTrainedViewModel.syntheticSigma(Math.min(m, n));
        assertEquals(MarchenkoPastur.fit(synthetic, m, n), c.trained().mp());
        assertEquals(PowerLaw.fit(synthetic), c.trained().powerLaw());
        assertEquals(RandomVsTrainedViewModel.SYNTHETIC_ALPHA, c.trained().powerLaw().alpha(), 0.5,
                "Pareto quantiles with tail exponent 3 should fit α≈3");
        assertTrue(c.trained().mp().numSpikes() > 0, "the heavy tail escapes the MP bulk");

        double[] random = backend.singularValues(RandomVsTrainedViewModel.gaussian(m, n, 42),
                SvdBackend.Tolerance.DEFAULT).sigma();
        assertEquals(MarchenkoPastur.fit(random, m, n), c.random().mp());
        assertEquals(PowerLaw.fit(random), c.random().powerLaw());
        assertEquals(0, c.random().mp().numSpikes(), "a Gaussian matrix has no spikes beyond λ₊ + √TW");
        assertEquals(2.0, c.random().mp().q(), 1e-12);
    }

    @Test
    void histogramIsADensityOnTheLogAxis() {
        RandomVsTrainedViewModel.Side s = RandomVsTrainedViewModel.side("x", 100, 300,
                backend.singularValues(RandomVsTrainedViewModel.gaussian(100, 300, 1), SvdBackend.Tolerance.DEFAULT).sigma());
        double width = s.binLog10()[1] - s.binLog10()[0];
        double mass = 0;
        for (double d : s.binDensity()) {
            mass += d * width;
        }
        assertEquals(1.0, mass, 1e-9);
        double mpMass = 0;
        for (int i = 1; i < s.mpLog10().length; i++) {
            mpMass += 0.5 * (s.mpDensity()[i] + s.mpDensity()[i - 1]) * (s.mpLog10()[i] - s.mpLog10()[i - 1]);
        }
        assertEquals(1.0, mpMass, 0.05, "the MP density transformed to log₁₀ λ still integrates to ~1");
    }

    @Test
    void selectedLayerUsesItsSpectrumAndScalesTheRandomMatrixDown() {
        int m = 2048;
        int n = 512;
        double[] sigma = RandomVsTrainedViewModel.syntheticSigma(n);
        SelectedLayer layer = new SelectedLayer("model.layers.0.mlp.up_proj", m, n, sigma, () -> {
            throw new AssertionError("the analysed spectrum must be used, not the matrix");
        });
        RandomVsTrainedViewModel vm = new RandomVsTrainedViewModel(backend, WorkbenchExecutors.sameThread());
        vm.setLayer(layer);
        RandomVsTrainedViewModel.Comparison c = vm.comparisonProperty().get();
        assertEquals(PowerLaw.fit(sigma).alpha(), c.trained().powerLaw().alpha(), 0);
        assertEquals(1024, c.random().rows());
        assertEquals(256, c.random().cols());
        assertEquals(c.trained().mp().q(), c.random().mp().q(), 1e-12);
        assertTrue(c.random().label().contains("scaled down"), c.random().label());
    }
}
