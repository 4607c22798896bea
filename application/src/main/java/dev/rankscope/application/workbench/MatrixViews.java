package dev.rankscope.application.workbench;

import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.Objects;

/**
 * Which views of a checkpoint's matrices are listed (SPEC §7), the workbench's counterpart of
 * {@code analyze --per-head} and {@code --conv}: per-head blocks of every Q/K/V (rows) and O
 * (columns) matrix when the head counts are known, and conv kernels either reshaped to
 * (out, in·kh·kw) or pooled as WeightWatcher pools them. The listing itself is
 * {@link MatrixListing}'s, the one the CLI uses, so both front ends list the same matrices.
 *
 * @param perHead add the per-head views
 * @param conv    how conv kernels are listed
 */
public record MatrixViews(boolean perHead, ConvMode conv) {

    /** No per-head views, conv kernels reshaped: {@code analyze}'s defaults. */
    public static final MatrixViews DEFAULT = new MatrixViews(false, ConvMode.RESHAPE);

    public MatrixViews {
        Objects.requireNonNull(conv, "conv");
    }

    /** These views with per-head blocks on or off. */
    public MatrixViews withPerHead(boolean on) {
        return new MatrixViews(on, conv);
    }

    /** These views with conv kernels listed as {@code mode}. */
    public MatrixViews withConv(ConvMode mode) {
        return new MatrixViews(perHead, mode);
    }

    /** The matrices of {@code source} under these views (header only). */
    public MatrixListing list(TensorSource source) {
        return MatrixListing.of(source, perHead, conv);
    }
}
