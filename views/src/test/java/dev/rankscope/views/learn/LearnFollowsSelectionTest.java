package dev.rankscope.views.learn;

import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.testing.CountingSvdBackend;
import dev.rankscope.views.testing.ManualExecutor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The Learn tab follows the explorer's selection only while its Random vs trained panel is on screen:
 * selections made while hidden compute nothing, coming on screen computes once for the selection of
 * that moment, the work runs on the work executor (never on the calling FX thread), and a later
 * selection wins over a stale one.
 */
class LearnFollowsSelectionTest {
    /** Each comparison makes exactly one decomposition (the Gaussian side; the layer's σ is given). */
    final CountingSvdBackend backend = new CountingSvdBackend();
    final ManualExecutor work = new ManualExecutor();
    final LearnViewModel vm = new LearnViewModel(() -> backend, new WorkbenchExecutors(work, work, Runnable::run));

    static SelectedLayer layer(String name) {
        return new SelectedLayer(name, 12, 24, RandomVsTrainedViewModel.syntheticSigma(12), () -> {
            throw new AssertionError("σ is known: the matrix is never read");
        });
    }

    String comparedName() {
        RandomVsTrainedViewModel.Comparison c = vm.randomVsTrained().comparisonProperty().get();
        return c == null ? null : c.trained().label();
    }

    @Test
    void selectionsWhileHiddenComputeNothingAndShowingComputesOnceForTheLatest() {
        vm.shownProperty().set(false);
        vm.panelProperty().set(LearnViewModel.Panel.RANDOM_VS_TRAINED);
        for (int i = 0; i < 5; i++) {
            vm.selectedLayerProperty().set(layer("layer" + i));
        }
        assertEquals(0, work.size(), "nothing scheduled while the tab is hidden");
        work.runAll();
        assertEquals(0, backend.calls.get());
        assertNull(comparedName());

        vm.shownProperty().set(true);
        assertEquals(0, backend.calls.get(), "not computed on the calling (FX) thread");
        assertEquals(1, work.size());
        work.runAll();
        assertEquals(1, backend.calls.get());
        assertEquals("Trained: layer4", comparedName());

        vm.shownProperty().set(false);
        vm.shownProperty().set(true);
        assertEquals(0, work.size(), "hidden and shown again with the same selection: nothing to recompute");
    }

    @Test
    void onlyTheRandomVsTrainedPanelFollowsTheSelection() {
        vm.selectedLayerProperty().set(layer("a"));
        vm.selectedLayerProperty().set(layer("b"));
        assertEquals(0, work.size(), "shown, but on the rank-k panel, which reads the selection only when asked");
        vm.panelProperty().set(LearnViewModel.Panel.RANDOM_VS_TRAINED);
        work.runAll();
        assertEquals(1, backend.calls.get());
        assertEquals("Trained: b", comparedName());
        vm.selectedLayerProperty().set(layer("c"));
        work.runAll();
        assertEquals(2, backend.calls.get(), "on screen: every selection is followed");
        assertEquals("Trained: c", comparedName());
    }

    @Test
    void aLaterSelectionWinsOverAStaleComparison() {
        vm.panelProperty().set(LearnViewModel.Panel.RANDOM_VS_TRAINED);
        vm.selectedLayerProperty().set(layer("first"));
        vm.selectedLayerProperty().set(layer("second"));
        work.runAll();
        assertEquals(1, backend.calls.get(), "the superseded request is skipped before it starts");
        assertEquals("Trained: second", comparedName());

        vm.selectedLayerProperty().set(layer("third"));   // in flight…
        vm.shownProperty().set(false);
        vm.selectedLayerProperty().set(layer("fourth"));  // …then the selection moves while hidden
        work.runAll();
        assertEquals(1, backend.calls.get(), "the stale comparison was dropped");
        assertEquals("Trained: second", comparedName(), "the stale result is never published");
        vm.shownProperty().set(true);
        work.runAll();
        assertEquals(2, backend.calls.get());
        assertEquals("Trained: fourth", comparedName());
    }
}
