package dev.rankscope.app;

import dev.rankscope.engine.io.TempFiles;
import dev.rankscope.engine.task.AbstractTask;
import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How the process ends on Ctrl-C (SIGINT), SIGTERM or SIGHUP: deterministically, within a
 * fraction of a second, with exit status 128 + signal (130, 143, 129), leaving no temporary file
 * and no replaced output.
 *
 * <p>On the first such signal the handler (on the JVM's signal thread):
 * <ol>
 *   <li>deletes every temporary file this process is writing and refuses further renames into
 *       place ({@link TempFiles#closeAndDeleteAll()}), so every output is the previous complete
 *       version or absent — never replaced after the signal;</li>
 *   <li>cancels the running tasks ({@link AbstractTask#cancelAllRunning()}) and gives the main
 *       thread up to {@link #GRACE_MILLIS} ms to unwind (it does not exit: see
 *       {@link #holdIfInterrupted()});</li>
 *   <li>ends the process by sending itself the signal again with its default action.</li>
 * </ol>
 *
 * <p><b>Why not {@code System.exit} or {@code Runtime.halt}.</b> Both end in the C library's
 * {@code exit()}, which runs OpenBLAS's destructor {@code gotoblas_quit} →
 * {@code blas_thread_shutdown_}: it wakes the BLAS worker threads and {@code pthread_join}s them.
 * A worker thread serving a native call still running on another Java thread (the JVM does not
 * stop threads in native code at exit) can miss that wake-up and wait in
 * {@code pthread_cond_wait} forever — the measured hang of Ctrl-C during {@code plan --factorized}.
 * Waiting for native calls to return is not bounded either (one decomposition can take
 * minutes). A signal's default action makes the kernel end the process: no exit handler runs, no
 * thread is joined, and the parent sees "terminated by SIGINT" (status 130 in shells and in
 * {@link Process#exitValue()}). Nothing is lost by skipping the exit handlers: outputs are written
 * atomically and temporary files were deleted in step 1; the spectrum cache only ever holds
 * complete entries.
 *
 * <p>A signal ignored when the process started (e.g. SIGINT under {@code nohup} or for a
 * background job of a non-interactive shell) stays ignored, as Unix programs do.
 */
public final class Interrupts {
    /** How long the main thread may take to unwind after a cancel before the process ends. */
    static final long GRACE_MILLIS = 500;

    private static final AtomicBoolean INTERRUPTED = new AtomicBoolean();
    private static final CountDownLatch MAIN_DONE = new CountDownLatch(1);

    private Interrupts() {
    }

    /** Installs the handler for SIGINT, SIGTERM and SIGHUP (where the platform has them). */
    public static void install() {
        for (String name : new String[] {"INT", "TERM", "HUP"}) {
            try {
                Signal.handle(new Signal(name), Interrupts::onSignal);
            } catch (IllegalArgumentException | UnsupportedOperationException unavailable) {
                // no such signal here (Windows has no HUP) or reserved by the JVM (-Xrs): default handling
            }
        }
    }

    /**
     * Called by the main thread when its work is over, before it exits: when an interrupt is
     * being handled, parks for good (the handler ends the process) instead of racing it with an
     * {@code exit()} that could hang in OpenBLAS's cleanup.
     */
    public static void holdIfInterrupted() {
        MAIN_DONE.countDown();
        if (INTERRUPTED.get()) {
            while (true) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException ignored) {
                    // keep holding: the signal handler ends the process
                }
            }
        }
    }

    private static void onSignal(Signal signal) {
        if (!INTERRUPTED.compareAndSet(false, true)) {
            return; // a second Ctrl-C: the first is already ending the process
        }
        int deleted = TempFiles.closeAndDeleteAll();
        System.err.println("rankscope: interrupted (SIG" + signal.getName() + ")"
                + (deleted > 0 ? "; removed " + deleted + " unfinished file" + (deleted == 1 ? "" : "s") : ""));
        AbstractTask.cancelAllRunning();
        try {
            MAIN_DONE.await(GRACE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        TempFiles.closeAndDeleteAll();
        System.out.flush();
        System.err.flush();
        end(signal);
    }

    /**
     * Re-sends {@code signal} to this process with its default action, so the kernel ends it
     * ({@link Signal#raise} refuses a signal without a Java handler, hence {@code kill} through
     * {@code /bin/sh}). If the process is still alive 2 s later, SIGKILL; {@link Runtime#halt} only
     * as the last resort (it runs the C library's exit handlers).
     */
    private static void end(Signal signal) {
        long pid = ProcessHandle.current().pid();
        try {
            Signal.handle(signal, SignalHandler.SIG_DFL);
            kill(signal.getName(), pid);
            Thread.sleep(2000);
            kill("KILL", pid);
            Thread.sleep(2000);
        } catch (IllegalArgumentException | InterruptedException | java.io.IOException e) {
            // fall through to halt
        }
        Runtime.getRuntime().halt(128 + signal.getNumber());
    }

    private static void kill(String signal, long pid) throws java.io.IOException, InterruptedException {
        new ProcessBuilder("/bin/sh", "-c", "kill -s " + signal + " " + pid).start().waitFor();
    }
}
