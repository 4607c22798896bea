package dev.rankscope.engine.task;

import dev.rankscope.engine.RankscopeException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@link AbstractTask#rethrowFailure()}: the recorded failure as thrown, and nothing otherwise. */
class AbstractTaskRethrowTest {

    private static AbstractTask throwing(Throwable t) {
        return new AbstractTask("throws") {
            @Override
            protected void work() {
                if (t instanceof RuntimeException re) {
                    throw re;
                }
                throw (Error) t;
            }
        };
    }

    @Test
    void aFailedTaskRethrowsItsDomainExceptionOrErrorAsIs() {
        RankscopeException domain = new RankscopeException("bad file");
        AbstractTask failed = throwing(domain);
        failed.run();
        assertEquals(AbstractTask.Status.ERROR, failed.status());
        assertSame(domain, assertThrows(RankscopeException.class, failed::rethrowFailure));

        OutOfMemoryError oom = new OutOfMemoryError("test");
        AbstractTask outOfMemory = throwing(oom);
        outOfMemory.run();
        assertSame(oom, assertThrows(OutOfMemoryError.class, outOfMemory::rethrowFailure));
    }

    @Test
    void finishedWaitingAndCancelledTasksDoNotThrow() {
        AbstractTask finished = new AbstractTask("ok") {
            @Override
            protected void work() {
            }
        };
        assertDoesNotThrow(finished::rethrowFailure);
        finished.run();
        assertEquals(AbstractTask.Status.FINISHED, finished.status());
        assertDoesNotThrow(finished::rethrowFailure);

        AbstractTask cancelled = throwing(new IllegalStateException("after cancel"));
        cancelled.cancel();
        cancelled.run();
        assertEquals(AbstractTask.Status.CANCELLED, cancelled.status());
        assertDoesNotThrow(cancelled::rethrowFailure);
    }
}
