package dev.rankscope.engine.linalg;

import java.util.Set;

/** Contract for the pure-Java ojAlgo backend. */
class OjAlgoContractTest extends SvdBackendContract {
    private final OjAlgoBackend backend = new OjAlgoBackend();

    @Override
    SvdBackend backend() {
        return backend;
    }

    @Override
    Set<SvdMethod> valueMethods() {
        return Set.of(SvdMethod.OJALGO);
    }

    @Override
    SvdMethod vectorMethod() {
        return SvdMethod.OJALGO;
    }
}
