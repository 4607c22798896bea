package dev.rankscope.views.budget;

/**
 * Coalesces bursts of requests (slider drags, typing) into one action run after a quiet period
 * (STYLE: debounce sliders ~250 ms). FX thread only. Tests use {@link #immediate()}.
 */
@FunctionalInterface
public interface Debouncer {
    /** Runs {@code action} once the requests have paused; a later call replaces an earlier pending action. */
    void request(Runnable action);

    /** Runs every request at once (ViewModel tests). */
    static Debouncer immediate() {
        return Runnable::run;
    }
}
