package dev.rankscope.analysis.allocation;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

/**
 * Per-module calibration statistics for the data-aware strategies of SPEC §4 (SVD-LLM whitening
 * with {@code chol(XᵀX)}, ASVD scaling {@code diag(s^0.5)}, Fisher-weighted rows), read from a
 * user-supplied safetensors file ({@code <module>.input_gram} n×n, {@code <module>.input_absmean}
 * n, {@code <module>.fisher_rows} n). Every field may be null when the file lacks it.
 *
 * <p>Carried through {@link AllocationInput} so that data-aware variants can be added without
 * changing the input model; the weights-only strategies ignore it. Arrays are copied.
 *
 * @param inputGram    XᵀX of the module's inputs, n×n (the matrix is not copied: treat it as read-only)
 * @param inputAbsMean mean |x| per input channel, length n
 * @param fisherRows   Fisher information per input channel, length n
 */
public record ModuleStatistics(Matrix inputGram, double[] inputAbsMean, double[] fisherRows) {
    public ModuleStatistics {
        inputAbsMean = inputAbsMean == null ? null : inputAbsMean.clone();
        fisherRows = fisherRows == null ? null : fisherRows.clone();
        if (inputGram != null && inputGram.rows() != inputGram.cols()) {
            throw new IllegalArgumentException("input Gram matrix must be square, got "
                    + inputGram.rows() + "x" + inputGram.cols());
        }
    }

    @Override
    public double[] inputAbsMean() {
        return inputAbsMean == null ? null : inputAbsMean.clone();
    }

    @Override
    public double[] fisherRows() {
        return fisherRows == null ? null : fisherRows.clone();
    }

    /**
     * Reads a module's statistics from a calibration file (SPEC §4): {@code <module>.input_gram}
     * (n×n), {@code <module>.input_absmean} (n) and {@code <module>.fisher_rows} (n), each optional.
     * Returns null when the file holds none of them.
     */
    public static ModuleStatistics read(TensorSource stats, String module) {
        Matrix gram = null;
        var g = stats.find(module + ".input_gram");
        if (g.isPresent()) {
            TensorInfo t = g.get();
            if (t.rank() != 2 || t.dim(0) != t.dim(1)) {
                throw new CheckpointFormatException(stats.path(), CheckpointFormatException.Category.SIZE_MISMATCH,
                        t.name() + " must be a square matrix, got " + t.shapeString());
            }
            gram = new Matrix((int) t.dim(0), (int) t.dim(1), stats.readDouble(t.name()));
        }
        double[] absMean = vector(stats, module + ".input_absmean");
        double[] fisher = vector(stats, module + ".fisher_rows");
        return gram == null && absMean == null && fisher == null ? null : new ModuleStatistics(gram, absMean, fisher);
    }

    private static double[] vector(TensorSource stats, String name) {
        var t = stats.find(name);
        if (t.isEmpty()) {
            return null;
        }
        if (t.get().rank() != 1) {
            throw new CheckpointFormatException(stats.path(), CheckpointFormatException.Category.SIZE_MISMATCH,
                    name + " must be a vector, got " + t.get().shapeString());
        }
        return stats.readDouble(name);
    }
}
