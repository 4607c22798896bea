package dev.rankscope.analysis.quant;

import dev.rankscope.engine.linalg.Matrix;

/** Small dense products for the quantization analysis (row-major, float64). Pure functions. */
final class Products {
    private Products() {
    }

    /** A·B for A m×k and B k×n (a new matrix). */
    static Matrix multiply(Matrix a, Matrix b) {
        if (a.cols() != b.rows()) {
            throw new IllegalArgumentException("shapes " + a.rows() + "x" + a.cols() + " and " + b.rows() + "x" + b.cols());
        }
        int m = a.rows();
        int k = a.cols();
        int n = b.cols();
        double[] out = new double[m * n];
        double[] ad = a.data();
        double[] bd = b.data();
        for (int i = 0; i < m; i++) {
            int row = i * n;
            for (int t = 0; t < k; t++) {
                double v = ad[i * k + t];
                if (v == 0) {
                    continue;
                }
                int brow = t * n;
                for (int j = 0; j < n; j++) {
                    out[row + j] += v * bd[brow + j];
                }
            }
        }
        return new Matrix(m, n, out);
    }

    /** A − B (a new matrix). */
    static Matrix subtract(Matrix a, Matrix b) {
        if (a.rows() != b.rows() || a.cols() != b.cols()) {
            throw new IllegalArgumentException("shapes " + a.rows() + "x" + a.cols() + " and " + b.rows() + "x" + b.cols());
        }
        double[] out = new double[a.data().length];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.data()[i] - b.data()[i];
        }
        return new Matrix(a.rows(), a.cols(), out);
    }

    /** ‖A‖²_F. */
    static double energy(Matrix a) {
        double s = 0;
        for (double v : a.data()) {
            s += v * v;
        }
        return s;
    }
}
