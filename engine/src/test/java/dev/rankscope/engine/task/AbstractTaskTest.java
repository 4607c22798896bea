package dev.rankscope.engine.task;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/** {@link AbstractTask#rethrowOutcome}: an outer task ends the way the sub-task it ran ended. */
class AbstractTaskTest {

    /** A task whose work runs {@code body}. */
    private static AbstractTask task(Runnable body) {
        return new AbstractTask("test") {
            @Override
            protected void work() {
                body.run();
            }
        };
    }

    /** An outer task that runs {@code sub} and then passes on its outcome. */
    private static AbstractTask outer(AbstractTask sub) {
        return new AbstractTask("outer") {
            @Override
            protected void work() {
                sub.run();
                rethrowOutcome(sub);
            }
        };
    }

    @Test
    void finishedSubTaskLetsTheOuterFinish() {
        AbstractTask o = outer(task(() -> { }));
        o.run();
        assertEquals(AbstractTask.Status.FINISHED, o.status());
    }

    @Test
    void cancelledSubTaskCancelsTheOuter() {
        AbstractTask sub = task(() -> { });
        sub.cancel();
        AbstractTask o = outer(sub);
        o.run();
        assertEquals(AbstractTask.Status.CANCELLED, o.status());
    }

    @Test
    void runtimeFailureIsRethrownAsItIs() {
        UncheckedIOException boom = new UncheckedIOException(new IOException("disk"));
        AbstractTask o = outer(task(() -> {
            throw boom;
        }));
        o.run();
        assertEquals(AbstractTask.Status.ERROR, o.status());
        assertSame(boom, o.failure());
    }

    @Test
    void errorIsRethrownAsItIs() {
        AssertionError boom = new AssertionError("bad");
        AbstractTask o = outer(task(() -> {
            throw boom;
        }));
        o.run();
        assertEquals(AbstractTask.Status.ERROR, o.status());
        assertSame(boom, o.failure());
    }
}
