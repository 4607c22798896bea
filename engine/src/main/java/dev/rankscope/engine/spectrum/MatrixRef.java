package dev.rankscope.engine.spectrum;

/**
 * One analysable matrix inside a checkpoint (SPEC §7): a 2-D tensor, one expert slice of a 3-D
 * MoE tensor, or a reshaped conv kernel. Rows × cols is the matrix as analysed, in PyTorch
 * (out, in) orientation.
 *
 * @param id        unique, stable id: the tensor name, or {@code tensor[i]} for a slice
 * @param tensor    the stored tensor's name
 * @param slice     slice index along the leading dimension, or -1 for the whole tensor
 * @param rows      m (out)
 * @param cols      n (in)
 * @param transposed true when the stored layout is (in, out) and must be transposed to read (e.g. GPT-2 Conv1D, ONNX MatMul)
 */
public record MatrixRef(String id, String tensor, int slice, int rows, int cols, boolean transposed) {

    public static MatrixRef whole(String tensor, int rows, int cols) {
        return new MatrixRef(tensor, tensor, -1, rows, cols, false);
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
