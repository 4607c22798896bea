package dev.rankscope.analysis.quant;

import dev.rankscope.engine.linalg.Matrix;

/**
 * One weight matrix quantized in-tool (SPEC §9), in the layout Rankscope exports
 * ({@link QuantizedExport}): integer codes, float32 scales, integer zero points (asymmetric RTN
 * only), and the dequantized float32 weights Ŵ they stand for.
 *
 * <p>Layout, for an m×n weight (PyTorch (out, in)):
 * <ul>
 *   <li>RTN: {@code codes} m×n (C order), signed in [−(2^{b−1}−1), 2^{b−1}−1] when symmetric,
 *   unsigned in [0, 2^b−1] when asymmetric; {@code scales} m×G with G = ⌈n/g⌉ groups per row
 *   (g = n per channel; the last group of a row may be shorter); {@code zeros} m×G (asymmetric) or
 *   null. Ŵ[i,j] = float32((codes[i,j] − zeros[i, j/g]) · scales[i, j/g]).</li>
 *   <li>NF4: {@code codes} m×n code indices 0..15 into {@link Nf4Codebook}; {@code scales} the
 *   absmax of each block of 64 consecutive elements of the flattened matrix, length ⌈mn/64⌉;
 *   Ŵ[e] = float32(code[codes[e]] · scales[e/64]) for flat index e.</li>
 * </ul>
 * Every Ŵ entry is exactly representable in float32 and is reproduced bit for bit from the codes and
 * scales in float32 arithmetic. Arrays are shared, not copied: treat them as read-only.
 *
 * @param scheme      how it was quantized
 * @param rows        m
 * @param cols        n
 * @param codes       m·n codes, C order
 * @param scales      float32 scales (values are float32-exact), layout above
 * @param scaleRows   rows of the scale (and zero) tensor: m for RTN, ⌈mn/64⌉ for NF4
 * @param scaleCols   columns of the scale tensor: G for RTN, 1 for NF4
 * @param zeros       zero points (asymmetric RTN), same layout as scales, else null
 * @param dequantized Ŵ, m×n
 */
public record QuantizedMatrix(QuantScheme scheme, int rows, int cols, int[] codes, float[] scales,
                              int scaleRows, int scaleCols, int[] zeros, Matrix dequantized) {
    public QuantizedMatrix {
        if (codes.length != rows * cols || dequantized.rows() != rows || dequantized.cols() != cols) {
            throw new IllegalArgumentException("codes and dequantized weights must be " + rows + "x" + cols);
        }
        if (scales.length != scaleRows * scaleCols || (zeros != null && zeros.length != scales.length)) {
            throw new IllegalArgumentException("scales/zeros must be " + scaleRows + "x" + scaleCols);
        }
    }
}
