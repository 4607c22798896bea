package dev.rankscope.engine.linalg;

/**
 * What computes the spectra, shown in {@code --version}, the JSON {@code engine} object and the
 * status bar.
 *
 * @param backend  {@code native} or {@code java}
 * @param library  e.g. {@code OpenBLAS 0.3.31 (bytedeco 1.5.13)} or {@code ojAlgo 57.1.0}
 * @param coreType runtime BLAS core (e.g. {@code Zen}); {@code n/a} for Java
 * @param threads  BLAS threads (native) or worker threads (Java)
 * @param note     why a fallback happened, or empty
 */
public record EngineInfo(String backend, String library, String coreType, int threads, String note) {

    /** One line for the status bar. */
    public String describe() {
        String s = backend.equals("native")
                ? "native " + library + ", core " + coreType + ", " + threads + " threads"
                : "pure Java " + library + ", " + threads + " threads";
        return note == null || note.isBlank() ? s : s + " (" + note + ")";
    }
}
