package dev.rankscope.application.workbench;

import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.DType;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One analysable matrix of one opened checkpoint, as the workbench lists it before (and after)
 * its spectrum is known. Value object: two entries are equal when they name the same matrix of
 * the same checkpoint file, which is how every view identifies "the selected matrix".
 *
 * @param checkpoint the path the user opened (file or folder)
 * @param ref        which matrix (SPEC §7: a 2-D tensor, an expert slice, a reshaped conv kernel)
 * @param name       layer index and module type parsed from the tensor name
 * @param dtype      stored element type
 */
public record MatrixEntry(Path checkpoint, MatrixRef ref, MatrixName name, DType dtype) {
    public MatrixEntry {
        Objects.requireNonNull(checkpoint, "checkpoint");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
    }

    /** The matrix id (tensor name, or {@code tensor[i]} for a slice). */
    public String id() {
        return ref.id();
    }

    /** p = min(m, n). */
    public int fullRank() {
        return ref.minDim();
    }
}
