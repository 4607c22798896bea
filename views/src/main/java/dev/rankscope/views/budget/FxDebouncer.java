package dev.rankscope.views.budget;

import javafx.animation.PauseTransition;
import javafx.util.Duration;

/** A {@link Debouncer} on the FX timeline: the action runs {@code delay} after the last request. FX thread only. */
public final class FxDebouncer implements Debouncer {
    /** The Budget tab's quiet period. */
    public static final Duration DEFAULT_DELAY = Duration.millis(250);

    private final PauseTransition pause;
    private Runnable pending;

    public FxDebouncer(Duration delay) {
        pause = new PauseTransition(delay);
        pause.setOnFinished(e -> {
            Runnable r = pending;
            pending = null;
            if (r != null) {
                r.run();
            }
        });
    }

    @Override
    public void request(Runnable action) {
        pending = action;
        pause.playFromStart();
    }
}
