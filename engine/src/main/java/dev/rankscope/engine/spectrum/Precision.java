package dev.rankscope.engine.spectrum;

/** Arithmetic precision of a spectrum computation (SPEC: float64 unless the user asks). */
public enum Precision {
    F64, F32;

    public String id() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
