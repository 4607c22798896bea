package dev.rankscope.engine.linalg;

import java.util.Set;

/**
 * Contract for the native backend that tries the Gram path on every matrix
 * ({@link NativeBackend.GramPolicy#ALWAYS}): wherever its error estimate accepts, the result must
 * still meet the tolerance; where it rejects, dgesdd repairs.
 */
class NativeGramContractTest extends SvdBackendContract {
    private final NativeBackend backend = new NativeBackend(NativeBackend.GramPolicy.ALWAYS);

    @Override
    SvdBackend backend() {
        return backend;
    }

    @Override
    Set<SvdMethod> valueMethods() {
        return Set.of(SvdMethod.GRAM, SvdMethod.GESDD);
    }

    @Override
    SvdMethod vectorMethod() {
        return SvdMethod.GESDD;
    }
}
