package dev.rankscope.engine.linalg;

import java.util.Set;

/** Contract for the native backend with the Gram path disabled: dgesdd (sgesdd for float32) only. */
class NativeGesddContractTest extends SvdBackendContract {
    private final NativeBackend backend = new NativeBackend(NativeBackend.GramPolicy.NEVER);

    @Override
    SvdBackend backend() {
        return backend;
    }

    @Override
    Set<SvdMethod> valueMethods() {
        return Set.of(SvdMethod.GESDD);
    }

    @Override
    SvdMethod vectorMethod() {
        return SvdMethod.GESDD;
    }
}
