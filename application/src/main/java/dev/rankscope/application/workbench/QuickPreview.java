package dev.rankscope.application.workbench;

import java.util.List;

/**
 * When the workbench runs the quick approximate pass ({@link dev.rankscope.analysis.TopKPreview})
 * before the exact one: a persisted
 * setting ("Quick preview (approximate top-64)"). Pure, thread-safe.
 *
 * <p>The rule for {@link #LARGE_CHECKPOINTS}: the exact pass is estimated to take long when
 * Σ m·n·min(m, n) over the checkpoint's matrices (the leading term of the SVD flop count, SPEC §3)
 * reaches {@link #LARGE_WORK} = 5·10¹⁰, about twelve 1024×4096 matrices — several seconds even
 * with native LAPACK, where the quick pass takes a fraction of that.
 */
public enum QuickPreview {
    /** Only when the exact pass is estimated to be slow (the default). */
    LARGE_CHECKPOINTS("For large checkpoints"),
    /** For every checkpoint. */
    ALWAYS("Always"),
    /** Never: wait for the exact values. */
    OFF("Off");

    /** Σ m·n·min(m, n) from which a checkpoint counts as large. */
    public static final double LARGE_WORK = 5e10;

    private final String label;

    QuickPreview(String label) {
        this.label = label;
    }

    /** Text for the settings dialog. */
    public String label() {
        return label;
    }

    /** Whether the quick pass should run before the exact pass of {@code matrices}. */
    public boolean appliesTo(List<MatrixEntry> matrices) {
        return switch (this) {
            case ALWAYS -> true;
            case OFF -> false;
            case LARGE_CHECKPOINTS -> exactWork(matrices) >= LARGE_WORK;
        };
    }

    /** Σ m·n·min(m, n) over {@code matrices}: a proxy for the exact pass's cost. */
    public static double exactWork(List<MatrixEntry> matrices) {
        double w = 0;
        for (MatrixEntry e : matrices) {
            w += (double) e.ref().rows() * e.ref().cols() * e.fullRank();
        }
        return w;
    }

    @Override
    public String toString() {
        return label;
    }
}
