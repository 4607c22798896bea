package dev.rankscope.engine.linalg;

import java.util.function.Supplier;

/**
 * Chooses the SVD backend: native OpenBLAS/LAPACK when it loads, otherwise pure-Java ojAlgo
 * with {@link EngineInfo#note()} saying why. The native library is loaded at most once per
 * process ({@link NativeLibrary}); this class holds no state.
 */
public final class Backends {

    /** What the user asked for (CLI {@code --engine}, settings). */
    public enum Preference {
        /** Native when available, else Java (the default). */
        AUTO,
        /** Native; falls back to Java with a note when it cannot load. */
        NATIVE,
        /** Pure Java (ojAlgo) even when native is available. */
        JAVA
    }

    private Backends() {
    }

    /** The backend for {@code preference}, with the default Gram policy. Never throws for a missing native library. */
    public static SvdBackend select(Preference preference) {
        return select(preference, NativeLibrary::status);
    }

    /** As {@link #select(Preference)}, with the native load status supplied (tests simulate a failed load). */
    static SvdBackend select(Preference preference, Supplier<NativeLibrary.Status> nativeStatus) {
        if (preference == Preference.JAVA) {
            return new OjAlgoBackend();
        }
        NativeLibrary.Status status = nativeStatus.get();
        if (!status.available()) {
            return new OjAlgoBackend("native OpenBLAS unavailable: " + status.failure());
        }
        return new NativeBackend(NativeBackend.GramPolicy.DEFAULT);
    }
}
