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
 * What the one-tab TestFX journeys (Series, Subspaces) share: the real workbench on the pure-Java
 * engine with in-memory settings and real executors, and waiting for a condition with a deadline.
 */
public final class Journeys {
    private Journeys() {
    }

    /** The real workbench ViewModel (Java engine, one thread), showing errors through {@code dialogs}. */
    public static WorkbenchViewModel workbench(DialogService dialogs) {
        return new WorkbenchViewModel(new EngineWorkbenchServices(Backends.Preference.JAVA, 1), dialogs,
                new InMemorySettingsStore(), WorkbenchExecutors.standard());
    }

    /** Waits until {@code condition} holds (at most {@code seconds}), then for pending FX events. */
    public static void waitUntil(int seconds, BooleanSupplier condition) {
        try {
            WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, condition::getAsBoolean);
        } catch (TimeoutException e) {
            throw new AssertionError("condition not met within " + seconds + " s", e);
        }
        WaitForAsyncUtils.waitForFxEvents();
    }
}
