package dev.rankscope.views.learn;

import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.analysis.metrics.RankMetrics;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EffectiveRankViewModelTest {

    @Test
    void specCheckSpectrumGivesSpecNumbers() {
        EffectiveRankViewModel vm = new EffectiveRankViewModel();
        double[] s = new double[EffectiveRankViewModel.SIZE];
        s[0] = 3;
        s[1] = 2;
        s[2] = 1;
        vm.setAll(s);
        RankMetrics r = vm.metricsProperty().get();
        assertEquals(2.7495, r.effectiveRank(), 1e-4);
        assertEquals(2.2944, r.energyEffectiveRank(), 1e-4);
        assertEquals(14.0 / 9, r.stableRank(), 1e-12);
        assertEquals(3, r.numericalRank());
        assertEquals(2, r.rankAt90());
        assertEquals(3, r.rankAt95());
    }

    @Test
    void presetsShowTheDifferences() {
        EffectiveRankViewModel vm = new EffectiveRankViewModel();
        vm.presetProperty().set(EffectiveRankViewModel.Preset.FLAT);
        RankMetrics flat = vm.metricsProperty().get();
        assertEquals(16, flat.effectiveRank(), 1e-9);
        assertEquals(16, flat.stableRank(), 1e-9);
        assertEquals(15, flat.rankAt90());
        vm.presetProperty().set(EffectiveRankViewModel.Preset.ONE_SPIKE);
        RankMetrics spike = vm.metricsProperty().get();
        assertEquals((81.0 + 15) / 81, spike.stableRank(), 1e-12);
        assertEquals(16, spike.numericalRank());
        vm.presetProperty().set(EffectiveRankViewModel.Preset.POWER_LAW);
        assertEquals(RankMeasures.compute(EffectiveRankViewModel.Preset.POWER_LAW.sigma(), 16, 16),
                vm.metricsProperty().get());
    }

    @Test
    void editedBarsAreMeasuredSortedDescending() {
        EffectiveRankViewModel vm = new EffectiveRankViewModel();
        vm.presetProperty().set(EffectiveRankViewModel.Preset.POWER_LAW);
        vm.setSigma(15, 5.0);
        double[] bars = vm.sigmaProperty().get();
        assertEquals(5.0, bars[15], 0);
        double[] sorted = bars.clone();
        java.util.Arrays.sort(sorted);
        double[] desc = new double[sorted.length];
        for (int i = 0; i < sorted.length; i++) {
            desc[i] = sorted[sorted.length - 1 - i];
        }
        assertEquals(RankMeasures.compute(desc, 16, 16), vm.metricsProperty().get());
        assertThrows(IllegalArgumentException.class, () -> vm.setSigma(0, -1));
    }
}
