package dev.rankscope.engine.tensor;

import java.util.Arrays;

/**
 * What is known about a tensor without reading its data.
 *
 * @param name     full tensor name as stored in the checkpoint (e.g. {@code model.layers.0.self_attn.q_proj.weight})
 * @param dtype    element type as stored
 * @param shape    dimensions, outermost first (PyTorch order: a Linear weight is (out, in)); copied defensively
 * @param byteSize bytes the tensor occupies in the file
 */
public record TensorInfo(String name, DType dtype, long[] shape, long byteSize) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements (1 for a scalar). Shapes are validated by readers, so no overflow here. */
    public long numel() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Shape as {@code 128×256}. */
    public String shapeString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append('×');
            }
            sb.append(shape[i]);
        }
        return sb.length() == 0 ? "scalar" : sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && t.name.equals(name) && t.dtype == dtype
                && Arrays.equals(t.shape, shape) && t.byteSize == byteSize;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + dtype + " " + shapeString();
    }
}
