package dev.rankscope.analysis.allocation;

import dev.rankscope.engine.linalg.Matrix;

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
}
