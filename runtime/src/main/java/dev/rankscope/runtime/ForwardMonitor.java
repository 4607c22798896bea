package dev.rankscope.runtime;

import dev.rankscope.engine.task.AbstractTask;

/**
 * Progress and cooperative cancel for a forward pass: {@link #progress} after each block,
 * {@link #checkCancelled} between blocks (never inside a native call). A job passes its
 * {@code JobTask::progress} and {@code JobTask::checkCancelled}.
 */
public interface ForwardMonitor {

    /** Reports nothing, never cancels. */
    ForwardMonitor NONE = new ForwardMonitor() {
        @Override
        public void progress(double fraction, String message) {
        }

        @Override
        public void checkCancelled() {
        }
    };

    /** {@code fraction} in [0, 1] of this forward pass; message such as "layer 3 of 22". */
    void progress(double fraction, String message);

    /** Throws {@link AbstractTask.CancelledException} when cancel was requested. */
    void checkCancelled();

    /** A monitor over two callbacks (e.g. a JobTask's methods). */
    static ForwardMonitor of(java.util.function.BiConsumer<Double, String> progress, Runnable checkCancelled) {
        return new ForwardMonitor() {
            @Override
            public void progress(double fraction, String message) {
                progress.accept(fraction, message);
            }

            @Override
            public void checkCancelled() {
                checkCancelled.run();
            }
        };
    }
}
