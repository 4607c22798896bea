package dev.rankscope.views.testing;

import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;

import java.util.concurrent.atomic.AtomicInteger;

/** The production pure-Java backend, counting every decomposition it is asked for. Thread-safe. */
public final class CountingSvdBackend implements SvdBackend {
    private final SvdBackend delegate = new OjAlgoBackend();
    public final AtomicInteger calls = new AtomicInteger();

    @Override
    public EngineInfo info() {
        return delegate.info();
    }

    @Override
    public SvdResult singularValues(Matrix a, Tolerance tolerance) {
        calls.incrementAndGet();
        return delegate.singularValues(a, tolerance);
    }

    @Override
    public SvdResult svd(Matrix a) {
        calls.incrementAndGet();
        return delegate.svd(a);
    }
}
