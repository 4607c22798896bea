package dev.rankscope.engine.spectrum;

/**
 * One analysable matrix inside a checkpoint (SPEC §7): a 2-D tensor, one expert slice of a 3-D
 * MoE tensor, a reshaped conv kernel, or a sub-matrix of one of those (a q/k/v part of a fused
 * QKV projection, a per-head block). Rows × cols is the matrix as analysed, in PyTorch
 * (out, in) orientation.
 *
 * @param id         unique, stable id: the tensor name, {@code tensor[i]} for a slice, {@code tensor#part} for a sub-matrix
 * @param tensor     the stored tensor's name
 * @param slice      slice index along the leading dimension, or -1 for the whole tensor
 * @param rows       m (out) of the analysed matrix
 * @param cols       n (in) of the analysed matrix
 * @param transposed true when the stored layout is (in, out) and must be transposed to read (e.g. GPT-2 Conv1D, ONNX MatMul)
 * @param selection  the rows/columns taken from the (out, in) base matrix, or null for all of it;
 *                   when present, rows × cols equals its selected shape
 */
public record MatrixRef(String id, String tensor, int slice, int rows, int cols, boolean transposed,
                        MatrixSelection selection) {

    public MatrixRef {
        if (selection != null && (selection.rowCount() != rows || selection.colCount() != cols)) {
            throw new IllegalArgumentException("matrix " + id + " is " + rows + "×" + cols + " but its selection is "
                    + selection.rowCount() + "×" + selection.colCount());
        }
    }

    /** A whole (not sub-selected) matrix: the form every ref had before selections existed. */
    public MatrixRef(String id, String tensor, int slice, int rows, int cols, boolean transposed) {
        this(id, tensor, slice, rows, cols, transposed, null);
    }

    public static MatrixRef whole(String tensor, int rows, int cols) {
        return new MatrixRef(tensor, tensor, -1, rows, cols, false);
    }

    /**
     * A sub-matrix of this ref's base matrix (same tensor, slice and orientation).
     *
     * @param partId    id of the part ({@code tensor#q}, {@code tensor#head3})
     * @param selection rows/columns of the base matrix ({@link #baseRows()} × {@link #baseCols()})
     */
    public MatrixRef part(String partId, MatrixSelection selection) {
        if (selection.baseRows() != baseRows() || selection.baseCols() != baseCols()) {
            throw new IllegalArgumentException("selection of " + selection.baseRows() + "×" + selection.baseCols()
                    + " does not fit " + id + " (" + baseRows() + "×" + baseCols() + ")");
        }
        return new MatrixRef(partId, tensor, slice, selection.rowCount(), selection.colCount(), transposed, selection);
    }

    /**
     * The conv kernel {@code tensor} (out, in, kh, kw) as kh·kw pooled out × in slices (SPEC §7,
     * WeightWatcher style): one spectrum of kh·kw·min(out, in) values.
     */
    public static MatrixRef pooledConv(String tensor, int out, int in, int kernelPositions) {
        return new MatrixRef(tensor, tensor, -1, out, in, false,
                MatrixSelection.pooledConv(out, in * kernelPositions, kernelPositions));
    }

    /** True when this ref stands for pooled conv slices ({@link #pooledConv}). */
    public boolean isPooled() {
        return selection != null && selection.pooled();
    }

    /** Slice {@code s} of a pooled ref, as a plain sub-matrix ref (id {@code <id>#slice<s>}). */
    public MatrixRef pooledSlice(int s) {
        return part(id + "#slice" + s, selection.slice(s));
    }

    /** Singular values a full (exact) spectrum of this ref has: min(m, n), times kh·kw when pooled. */
    public int sigmaCount() {
        return minDim() * (selection == null ? 1 : selection.poolSlices());
    }

    /** True when this is a sub-matrix of a stored matrix. */
    public boolean isPart() {
        return selection != null;
    }

    /** Rows of the base matrix in (out, in) orientation (= rows unless this is a part). */
    public int baseRows() {
        return selection == null ? rows : selection.baseRows();
    }

    /** Columns of the base matrix in (out, in) orientation (= cols unless this is a part). */
    public int baseCols() {
        return selection == null ? cols : selection.baseCols();
    }

    /** Elements of the stored base matrix (the stride of one slice). */
    public long baseNumel() {
        return (long) baseRows() * baseCols();
    }

    public int minDim() {
        return Math.min(rows, cols);
    }

    public int maxDim() {
        return Math.max(rows, cols);
    }

    public long numel() {
        return (long) rows * cols;
    }

    public String shapeString() {
        return rows + "×" + cols;
    }
}
