package dev.rankscope.engine.linalg;

/**
 * A-posteriori error estimate for singular values computed from the eigenvalues of a Gram
 * matrix {@code G = AᵀA} (or {@code AAᵀ}), and the decision whether they meet a
 * {@link SvdBackend.Tolerance}.
 *
 * <p>Model. Forming {@code G} in floating point and running a backward-stable symmetric
 * eigensolver ({@code dsyevd}) perturbs every eigenvalue by at most
 * {@code δλ = c·eps·‖A‖₂²} with {@code c = p + √K} (p = Gram dimension: the eigensolver's
 * O(p·eps·‖G‖) backward error; K = inner dimension: the rounding of the K-term dot products,
 * which behaves like a random walk, √K). This is the standard working estimate, not a
 * worst-case bound (that would be ~K·p·eps, far more pessimistic); {@code SvdBackendContract}
 * and {@code GramAccuracyTest} check it against {@code dgesdd}. For one singular value,
 * {@code |σ̂ − σ| = |λ̂ − λ|/(σ̂ + σ) ≤ δλ/(σ̂ + σ_lo)} with the lower bound
 * {@code σ_lo = √max(σ̂² − δλ, 0)}, and never more than {@code √δλ}.
 *
 * <p>Because {@code δλ} scales with σ₁², the squared condition number shows up directly:
 * σ_i ≪ σ₁ lose relative accuracy like (σ₁/σ_i)²·eps. The Gram result is accepted only when
 * every σ_i meets the tolerance: relative for σ_i that may lie at or above
 * {@code smallCut·σ₁}, absolute ({@code absolute·σ₁}) below.
 *
 * @param errorBound    estimated absolute error of each σ_i, same order as the σ it was built from
 * @param eigenvalueError δλ, the eigenvalue error estimate used
 * @param accepted      true when every σ_i meets the tolerance
 * @param worstIndex    index of the σ_i with the largest error/limit ratio, -1 for an empty spectrum
 * @param worstRatio    that ratio (≤ 1 when accepted)
 */
public record GramErrorBound(double[] errorBound, double eigenvalueError, boolean accepted,
                             int worstIndex, double worstRatio) {

    /** Unit round-off of float64, 2⁻⁵³. */
    public static final double EPS64 = 0x1.0p-53;

    public GramErrorBound {
        errorBound = errorBound.clone();
    }

    @Override
    public double[] errorBound() {
        return errorBound.clone();
    }

    /**
     * Estimates the error of {@code sigma} (descending, from Gram eigenvalues) and checks it
     * against {@code tolerance}. Pure function.
     *
     * @param sigma    σ̂ = √max(λ̂, 0), descending
     * @param gramDim  p, the Gram matrix dimension
     * @param innerDim K, the summed dimension (max(m, n) for a full Gram)
     */
    public static GramErrorBound evaluate(double[] sigma, int gramDim, long innerDim, SvdBackend.Tolerance tolerance) {
        if (sigma.length == 0) {
            return new GramErrorBound(new double[0], 0, true, -1, 0);
        }
        double s1 = sigma[0];
        double c = gramDim + Math.sqrt((double) innerDim);
        double dl = c * EPS64 * s1 * s1;
        double sqrtDl = Math.sqrt(dl);
        double[] err = new double[sigma.length];
        int worst = 0;
        double worstRatio = 0;
        for (int i = 0; i < sigma.length; i++) {
            double s = sigma[i];
            double lo = Math.sqrt(Math.max(s * s - dl, 0));
            double e = s + lo > 0 ? Math.min(sqrtDl, dl / (s + lo)) : sqrtDl;
            err[i] = e;
            double ratio = ratio(s, e, lo, s1, tolerance);
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = i;
            }
        }
        return new GramErrorBound(err, dl, worstRatio <= 1, worst, worstRatio);
    }

    /**
     * The tolerance rule shared by every Gram-based acceptance (this class and
     * {@link GramRefinement}): error / limit, where the limit is {@code relative·lower} when the
     * value may lie at or above {@code smallCut·σ₁} ({@code sigma + error ≥ smallCut·sigma1}) and
     * {@code absolute·σ₁} below. A ratio ≤ 1 meets the tolerance.
     *
     * @param sigma  the computed value
     * @param error  its absolute error bound (≥ 0)
     * @param lower  a lower bound on the true value (used by the relative limit)
     * @param sigma1 σ₁, the largest computed value
     */
    static double ratio(double sigma, double error, double lower, double sigma1, SvdBackend.Tolerance tolerance) {
        boolean mayBeLarge = sigma + error >= tolerance.smallCut() * sigma1;
        double limit = mayBeLarge ? tolerance.relative() * lower : tolerance.absolute() * sigma1;
        return error == 0 ? 0 : (limit > 0 ? error / limit : Double.POSITIVE_INFINITY);
    }
}
