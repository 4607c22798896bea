package dev.rankscope.analysis.allocation;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;

/**
 * Activation-space relative error of a compressed weight, exact from calibration statistics and
 * without a forward pass (SPEC §8): with G = XᵀX = S·Sᵀ the Gram matrix of the module's inputs,
 * <pre>  ‖(W − W')·Xᵀ‖_F / ‖W·Xᵀ‖_F = sqrt( tr(Δ·G·Δᵀ) / tr(W·G·Wᵀ) ),  Δ = W − W'.</pre>
 * <ul>
 *   <li>Whitened truncation W' = (W·S)_k·S⁻¹: {@code sqrt(Σ_{i>k} σ_i(WS)² / Σ σ_i(WS)²)}
 *       ({@link #whitened}); exact when S·Sᵀ = G, i.e. up to the damping ridge.</li>
 *   <li>Weight-only truncation W' = U_kΣ_kV_kᵀ: Δ = Σ_{i>k} σ_i u_i v_iᵀ, and since the u_i are
 *       orthonormal tr(ΔGΔᵀ) = Σ_{i>k} a_i with a_i = σ_i²·v_iᵀGv_i; the denominator is Σ_i a_i
 *       ({@link #weightOnlyContributions}, {@link #fromContributions}).</li>
 * </ul>
 * Pure functions; inputs are not modified.
 */
public final class ActivationError {
    private ActivationError() {
    }

    /**
     * Relative error per rank of a truncation whose discarded energy is Σ_{i>k} c_i:
     * {@code out[k] = sqrt(Σ_{i≥k} c_i / Σ c_i)} for k = 0..c.length (out[0] = 1, out[len] = 0);
     * 0 everywhere when Σc = 0.
     *
     * @param contributions non-negative energy per singular direction, in the truncation's order
     */
    public static double[] fromContributions(double[] contributions) {
        int p = contributions.length;
        double[] tail = new double[p + 1];
        for (int i = p - 1; i >= 0; i--) {
            tail[i] = tail[i + 1] + Math.max(0, contributions[i]);
        }
        double total = tail[0];
        double[] out = new double[p + 1];
        for (int k = 0; k <= p; k++) {
            out[k] = total > 0 ? Math.sqrt(tail[k] / total) : 0;
        }
        return out;
    }

    /** Whitened truncation: {@code out[k] = sqrt(Σ_{i>k} σ_i(WS)² / Σ σ_i(WS)²)}, σ descending. */
    public static double[] whitened(double[] sigmaOfWs) {
        double[] c = new double[sigmaOfWs.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = sigmaOfWs[i] * sigmaOfWs[i];
        }
        return fromContributions(c);
    }

    /**
     * a_i = σ_i²·v_iᵀ·G·v_i for the weight-only truncation of W (thin SVD with vectors, p terms).
     *
     * @param svdOfW thin SVD of W (m×n) with Vᵀ (p×n)
     * @param gram   G = XᵀX, n×n
     */
    public static double[] weightOnlyContributions(SvdResult svdOfW, Matrix gram) {
        Matrix vt = svdOfW.vt();
        int n = vt.cols();
        if (gram.rows() != n || gram.cols() != n) {
            throw new IllegalArgumentException("Gram matrix is " + gram.rows() + "x" + gram.cols() + ", W has " + n + " inputs");
        }
        int p = svdOfW.size();
        double[] a = new double[p];
        double[] gv = new double[n];
        for (int i = 0; i < p; i++) {
            for (int r = 0; r < n; r++) {
                double s = 0;
                for (int c = 0; c < n; c++) {
                    s += gram.get(r, c) * vt.get(i, c);
                }
                gv[r] = s;
            }
            double q = 0;
            for (int r = 0; r < n; r++) {
                q += vt.get(i, r) * gv[r];
            }
            double sigma = svdOfW.sigma(i);
            a[i] = sigma * sigma * Math.max(0, q);
        }
        return a;
    }

    /**
     * sqrt(tr(Δ·G·Δᵀ) / tr(W·G·Wᵀ)) for any W' of W's shape (m×n), G n×n; 0 when tr(WGWᵀ) = 0.
     */
    public static double relativeError(Matrix w, Matrix compressed, Matrix gram) {
        Energies e = energies(w, compressed, gram);
        return e.total() > 0 ? Math.sqrt(e.discarded() / e.total()) : 0;
    }

    /**
     * The two traces behind {@link #relativeError}, for sums over several matrices.
     *
     * @param discarded tr(Δ·G·Δᵀ) = ‖(W − W')Xᵀ‖²_F
     * @param total     tr(W·G·Wᵀ) = ‖W Xᵀ‖²_F
     */
    public record Energies(double discarded, double total) {
    }

    /** tr(Δ·G·Δᵀ) and tr(W·G·Wᵀ) for W, W' m×n and G n×n. */
    public static Energies energies(Matrix w, Matrix compressed, Matrix gram) {
        int m = w.rows();
        int n = w.cols();
        if (compressed.rows() != m || compressed.cols() != n || gram.rows() != n || gram.cols() != n) {
            throw new IllegalArgumentException("shapes do not match: W " + m + "x" + n + ", W' " + compressed.rows() + "x"
                    + compressed.cols() + ", G " + gram.rows() + "x" + gram.cols());
        }
        double num = 0;
        double den = 0;
        double[] d = new double[n];
        double[] x = new double[n];
        for (int i = 0; i < m; i++) {
            for (int c = 0; c < n; c++) {
                x[c] = w.get(i, c);
                d[c] = x[c] - compressed.get(i, c);
            }
            num += quadratic(d, gram);
            den += quadratic(x, gram);
        }
        return new Energies(Math.max(0, num), Math.max(0, den));
    }

    private static double quadratic(double[] v, Matrix g) {
        int n = v.length;
        double s = 0;
        for (int r = 0; r < n; r++) {
            if (v[r] == 0) {
                continue;
            }
            double t = 0;
            for (int c = 0; c < n; c++) {
                t += g.get(r, c) * v[c];
            }
            s += v[r] * t;
        }
        return s;
    }
}
