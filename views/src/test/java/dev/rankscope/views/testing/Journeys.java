package dev.rankscope.views.testing;

import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.testfx.util.WaitForAsyncUtils;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * What the TestFX journeys share: the real workbench on the pure-Java engine with in-memory
 * settings and real executors, and waiting for a condition. The wait polls for the condition; its
 * deadline only guards against a hang, so it is generous: a loaded two-core CI machine (other
 * forks, the FX pulse, OpenBLAS threads) can take many times longer than a quiet desk.
 */
public final class Journeys {
    private Journeys() {
    }

    /** The real workbench ViewModel (Java engine, one thread), showing errors through {@code dialogs}. */
    public static WorkbenchViewModel workbench(DialogService dialogs) {
        return new WorkbenchViewModel(new EngineWorkbenchServices(Backends.Preference.JAVA, 1), dialogs,
                new InMemorySettingsStore(), WorkbenchExecutors.standard());
    }

    /** How long a journey waits for a condition before it calls the run hung. */
    public static final int HANG_GUARD_SECONDS = 60;

    /** Waits until {@code condition} holds (a hang after {@value #HANG_GUARD_SECONDS} s), then for pending FX events. */
    public static void waitUntil(BooleanSupplier condition) {
        waitUntil(HANG_GUARD_SECONDS, condition);
    }

    /**
     * Waits until {@code condition} holds (at most {@code seconds}: for runs that take minutes even
     * unloaded, such as a calibration), then for pending FX events.
     */
    public static void waitUntil(int seconds, BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        } catch (TimeoutException e) {
            throw new AssertionError("condition not met within " + seconds + " s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }
}
