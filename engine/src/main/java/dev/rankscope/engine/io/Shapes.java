package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.DType;

import java.nio.file.Path;

/** Shape arithmetic shared by the readers: element counts and byte sizes that refuse overflow. */
public final class Shapes {
    private Shapes() {
    }

    /**
     * Number of elements of {@code shape}.
     *
     * @throws CheckpointFormatException SIZE_MISMATCH for a negative dimension or an overflowing product
     */
    public static long numel(Path file, String tensor, long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new CheckpointFormatException(file, Category.SIZE_MISMATCH,
                        "tensor '" + tensor + "' has a negative dimension " + d);
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException overflow) {
                throw new CheckpointFormatException(file, Category.SIZE_MISMATCH,
                        "tensor '" + tensor + "' has an element count that overflows");
            }
        }
        return n;
    }

    /**
     * Bytes of {@code numel} elements of {@code dtype}.
     *
     * @throws CheckpointFormatException SIZE_MISMATCH when the count is not whole blocks or overflows
     */
    public static long byteSize(Path file, String tensor, DType dtype, long numel) {
        long b = dtype.byteSize(numel);
        if (b < 0) {
            throw new CheckpointFormatException(file, Category.SIZE_MISMATCH, "tensor '" + tensor + "' of " + numel
                    + " elements is not a whole number of " + dtype + " blocks (" + dtype.elementsPerBlock() + ") or overflows");
        }
        return b;
    }

    /** The file name without its directory, for tensor names derived from files. */
    public static String stem(Path file, String extension) {
        String n = String.valueOf(file.getFileName());
        return n.toLowerCase(java.util.Locale.ROOT).endsWith(extension) ? n.substring(0, n.length() - extension.length()) : n;
    }
}
