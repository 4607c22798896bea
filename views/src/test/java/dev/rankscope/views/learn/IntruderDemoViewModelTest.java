package dev.rankscope.views.learn;

import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.fx.WorkbenchExecutors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntruderDemoViewModelTest {

    private IntruderDemoViewModel started() {
        IntruderDemoViewModel vm = new IntruderDemoViewModel(Backends.select(Backends.Preference.JAVA),
                WorkbenchExecutors.sameThread());
        vm.start();
        return vm;
    }

    @Test
    void plantedIntruderAppearsAboveThresholdStrengthAndDisappearsBelow() {
        IntruderDemoViewModel vm = started();
        vm.strengthProperty().set(30);
        assertTrue(vm.intruderCountProperty().get() >= 1, "a strong rank-1 update is an intruder");
        assertTrue(vm.resultProperty().get().maxCosineAt(0) < 0.5, "its top vector is the planted u");
        vm.strengthProperty().set(0.5);
        assertEquals(0, vm.intruderCountProperty().get(), "a weak update only nudges the base vectors");
        vm.strengthProperty().set(0);
        assertEquals(0, vm.intruderCountProperty().get());
        assertEquals(1.0, vm.resultProperty().get().maxCosineAt(0), 0);
    }

    @Test
    void kAndEpsilonRethresholdTheCachedResult() {
        IntruderDemoViewModel vm = started();
        vm.strengthProperty().set(30);
        var result = vm.resultProperty().get();
        assertEquals(result.intruderCount(vm.parameters()), vm.intruderCountProperty().get());
        vm.epsilonProperty().set(0.0);
        assertEquals(0, vm.intruderCountProperty().get(), "ε = 0 finds no intruders");
        vm.epsilonProperty().set(1.0);
        vm.kProperty().set(20);
        assertEquals(result.intruderCount(vm.parameters()), vm.intruderCountProperty().get());
        assertTrue(vm.intruderCountProperty().get() >= 1);
        assertTrue(result == vm.resultProperty().get(), "no new SVD for k/ε");
    }
}
