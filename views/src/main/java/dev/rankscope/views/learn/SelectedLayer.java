package dev.rankscope.views.learn;

import dev.rankscope.engine.linalg.Matrix;

import java.util.function.Supplier;

/**
 * The checkpoint matrix the Learn panels may use: its name and shape (m×n), its full spectrum when
 * the workbench has analysed it ({@code null} otherwise), and a loader for its entries.
 *
 * @param loader reads the m×n matrix in float64; slow, called off the FX thread only
 */
public record SelectedLayer(String name, int rows, int cols, double[] sigma, Supplier<Matrix> loader) {
    public SelectedLayer {
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("shape must be positive, got " + rows + "×" + cols);
        }
        sigma = sigma == null ? null : sigma.clone();
    }

    @Override
    public double[] sigma() {
        return sigma == null ? null : sigma.clone();
    }
}
