package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.tensor.TensorInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides which tensors are matrices (SPEC §7), by shape alone: 2-D tensors are one matrix;
 * 3-D tensors (E×m×n, fused MoE experts) are E matrices {@code name[i]}; 4-D conv kernels
 * (out, in, kh, kw) are reshaped to (out, in·kh·kw). 1-D and 0-D tensors are not matrices.
 * Tensors with a zero dimension or integer/bool dtype are skipped. Pure function.
 */
public final class MatrixExtractor {
    private MatrixExtractor() {
    }

    /** Matrices in the order their tensors appear. */
    public static List<MatrixRef> matrices(List<TensorInfo> tensors) {
        List<MatrixRef> out = new ArrayList<>();
        for (TensorInfo t : tensors) {
            out.addAll(matrices(t));
        }
        return out;
    }

    /** Matrices of one tensor (empty when it is not analysable). */
    public static List<MatrixRef> matrices(TensorInfo t) {
        var kind = t.dtype().kind();
        if (kind == dev.rankscope.engine.tensor.DType.Kind.BOOL) {
            return List.of();
        }
        long[] s = t.shape();
        for (long d : s) {
            if (d <= 0) {
                return List.of();
            }
        }
        switch (s.length) {
            case 2 -> {
                if (fits(s[0]) && fits(s[1]) && (s[0] > 1 || s[1] > 1)) {
                    return List.of(MatrixRef.whole(t.name(), (int) s[0], (int) s[1]));
                }
                return List.of();
            }
            case 3 -> {
                if (!fits(s[0]) || !fits(s[1]) || !fits(s[2])) {
                    return List.of();
                }
                List<MatrixRef> slices = new ArrayList<>();
                for (int e = 0; e < s[0]; e++) {
                    slices.add(new MatrixRef(t.name() + "[" + e + "]", t.name(), e, (int) s[1], (int) s[2], false));
                }
                return slices;
            }
            case 4 -> {
                long cols = s[1] * s[2] * s[3];
                if (fits(s[0]) && fits(cols)) {
                    return List.of(MatrixRef.whole(t.name(), (int) s[0], (int) cols));
                }
                return List.of();
            }
            default -> {
                return List.of();
            }
        }
    }

    private static boolean fits(long d) {
        return d > 0 && d <= Integer.MAX_VALUE;
    }
}
