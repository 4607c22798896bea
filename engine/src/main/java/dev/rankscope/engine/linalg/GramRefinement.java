package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;

import java.util.Optional;
import java.util.Random;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dgeqrf;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dgesdd;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dorgqr;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dormtr;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dpotrf;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dpotrs;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dstebz;
import static org.bytedeco.openblas.global.openblas.LAPACKE_dstein;
import static org.bytedeco.openblas.global.openblas.LAPACK_COL_MAJOR;
import static org.bytedeco.openblas.global.openblas.cblas_dgemm;

/**
 * Rayleigh–Ritz refinement of the bottom eigenspace of a Gram matrix G = SᵀS (or SSᵀ), used
 * when {@link GramErrorBound} rejects a Gram result only because a few tiny σ (absolute region
 * of the {@link SvdBackend.Tolerance}) cannot be resolved from G's eigenvalues.
 *
 * <p>Algorithm. Take the k smallest eigenpairs of the tridiagonal T from {@link TridiagonalEigen}
 * ({@code dstebz} range 'I' + {@code dstein}), back-transform with {@code dormtr} and
 * re-orthonormalise ({@code dgeqrf}+{@code dorgqr}) → V (p×k). One more pass over the matrix
 * gives B = S·V (r×k; by column panels: B = Sᵀ·V, c×k) and W = Sᵀ·B = G·V (p×k). Then
 * θ = σ(B) by {@code dgesdd}, H = BᵀB, R = W − V·H, r = ‖R‖_F ≥ ‖R‖₂.
 *
 * <p>Bound (a posteriori; only δλ is the model {@link GramErrorBound} already uses). Let
 * λ_cut = λ̂_k (smallest unrefined eigenvalue): G's eigenvalues outside its bottom k are
 * ≥ λ_cut − δλ. With θ_max = θ₁: gap₀ = λ_cut − δλ − θ_max² (reject if ≤ 0); Davis–Kahan gives
 * s = min(1, r/gap₀) ≥ sin∠(span V, bottom-k eigenspace); μ = (1 − s²)(λ_cut − δλ) bounds the
 * eigenvalues of G compressed to span(V)^⊥ from below; gap = μ − θ_max² (reject if ≤ 0). The
 * quadratic residual bound for the block 2×2 form [[H, Rᵀ],[R, G₂₂]] (Mathias; Li &amp; Li)
 * puts the k smallest eigenvalues of G within η = r²/gap of θ_j², in order; so
 * |σ_j − θ_j| ≤ min(√η, η/(θ_j + √max(θ_j² − η, 0))). A term ρ = 4·(m+n)·eps·σ₁ is added for
 * rounding: B = S·V is formed with inner dimension p ≤ m+n, so each entry's error is below
 * p·eps·‖S‖₂·‖V‖ ≈ p·eps·σ₁, and {@code dgesdd} is backward stable (error O(k·eps·‖B‖), with
 * ‖B‖ ≤ σ₁); V is orthonormal to O(p·eps) after the QR, moving θ by O(p·eps·σ₁) too.
 * Every σ (unrefined with its {@link GramErrorBound} error, refined with e_j) is then checked
 * with {@link GramErrorBound#ratio}; all must pass.
 *
 * <p>The split k: at least enough of the smallest to cover every failing σ, at most
 * min(p/4, 256), only over σ̂ &lt; smallCut·σ₁ and small enough that the extra buffers
 * (V, W: p×k; B and its dgesdd copy: max(m,n)×k doubles) stay below the Gram's 8·p² bytes:
 * W and B are allocated on the first block, after the caller freed the Gram buffer, so only V
 * (8·p·k bytes) overlaps the Gram and the path stays within the memory the Gram path claims
 * (MemoryBudget.Need.streamedGram / inMemoryNative) plus V; among those, the smallest k whose predicted gap
 * λ̂_k − δλ − λ̂_{k−1} is at least half the largest one (the bound moves by ≤ 2× while the cost
 * grows linearly in k: on a 1024² matrix with log-spaced σ the largest gap is at k = 256,
 * which made the refinement cost more than the Gram itself).
 *
 * <p>Timing (measured 2026-11-23 on this project's 2-core AMD EPYC, 1 BLAS thread, load ≈ 1,
 * one run each): 2048×2048 with σ log-spaced 1 → 1e-4 plus 1e-7, 3e-8, 1e-9 (plain Gram rejects):
 * old path Gram 1.17 s + dgesdd 3.32 s = 4.49 s; refined path (Gram + refinement, k = 3)
 * 1.10 s, max relative deviation from dgesdd 8.7e-12 (σ ≥ 1e-3·σ₁), max |Δσ|/σ₁ 5.5e-12 below.
 * 1024×1024: old 0.43 s, refined 0.15 s. dsyevd('N') 0.84 s vs dsytrd + dsterf 0.89 s on the
 * same 2048² matrix, all 2048 eigenvalues bit-identical. Command (from the worktree root):
 * <pre>
 * mvn -B -q -o -pl engine test-compile dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt
 * java -cp engine/target/classes:engine/target/test-classes:$(cat /tmp/cp.txt) \
 *     dev.rankscope.engine.linalg.RefinementTiming 2048
 * </pre>
 *
 * <p>Not thread-safe; one per matrix; feed the blocks in the same order as the Gram was built
 * ({@link #addRows} or {@link #addColumns}, starting at row/column 0), then {@link #finish}.
 * Owns off-heap V, W, B until {@link #close()}. The caller frees the Gram buffer after
 * {@link #prepare} and before the first block.
 */
public final class GramRefinement implements AutoCloseable {
    /** Most eigenvalues refined. */
    public static final int MAX_K = 256;

    private final int rows;
    private final int cols;
    private final boolean byRows;
    private final int p;
    private final int k;
    private final int outer;
    private final double[] sigmaHat;
    private final double[] errHat;
    private final double dl;
    private final double lambdaCut;
    private final SvdBackend.Tolerance tolerance;
    private final DoublePointer v;
    private DoublePointer w;
    private DoublePointer b;
    private int fed;
    private boolean closed;

    private GramRefinement(int rows, int cols, int k, double[] sigmaHat, GramErrorBound bound, double lambdaCut,
                           SvdBackend.Tolerance tolerance, DoublePointer v) {
        this.rows = rows;
        this.cols = cols;
        this.byRows = cols <= rows;
        this.p = Math.min(rows, cols);
        this.outer = Math.max(rows, cols);
        this.k = k;
        this.sigmaHat = sigmaHat;
        this.errHat = bound.errorBound();
        this.dl = bound.eigenvalueError();
        this.lambdaCut = lambdaCut;
        this.tolerance = tolerance;
        this.v = v;
    }

    /** W (zeroed) and B, allocated on the first block: by then the caller has freed the Gram buffer. */
    private void allocateProducts() {
        if (w != null) {
            return;
        }
        w = NativeBackend.allocate((long) p * k);
        w.fill(0);
        b = NativeBackend.allocate((long) outer * k);
    }

    /** k, the number of refined (smallest) values. */
    public int refinedCount() {
        return k;
    }

    /** True: feed row blocks; false: column panels (same as the Gram). */
    public boolean byRows() {
        return byRows;
    }

    /**
     * Sets up the refinement of a rejected Gram result, or empty when it cannot help (a failing σ
     * lies in the relative region, no allowed split k, no predicted gap, or the tridiagonal
     * eigenvector solver did not converge).
     *
     * @param g       the Gram buffer after {@code dsytrd} (reflectors in the upper triangle, ld p); read only
     * @param eig     its tridiagonal reduction and λ̂
     * @param outcome the rejected Gram outcome (σ̂ descending and its bound)
     * @param rows    stored rows r of S
     * @param cols    stored columns c of S
     */
    static Optional<GramRefinement> prepare(DoublePointer g, TridiagonalEigen eig, NativeBackend.GramOutcome outcome,
                                            int rows, int cols, SvdBackend.Tolerance tolerance) {
        return prepare(eig.p, eig.lambda, outcome, rows, cols, tolerance, 0.5, k -> true, k -> bottomVectors(g, eig, k));
    }

    /**
     * Like {@link #prepare(DoublePointer, TridiagonalEigen, NativeBackend.GramOutcome, int, int,
     * SvdBackend.Tolerance)} for a result of the two-stage reduction, which keeps no reflectors:
     * V comes from the intact Gram by inverse subspace iteration ({@link #bottomVectorsInverse}).
     * Empty also when that iteration would be slow or its Cholesky factorisation fails; the
     * caller then reduces {@code g} one-stage and calls the other {@code prepare}, as before.
     *
     * @param g      the intact Gram (upper triangle, column-major, ld p); read only
     * @param lambda its eigenvalues, ascending (from {@link TridiagonalEigen#valuesTwoStage})
     */
    static Optional<GramRefinement> prepareFromGram(DoublePointer g, int p, double[] lambda,
                                                    NativeBackend.GramOutcome outcome, int rows, int cols,
                                                    SvdBackend.Tolerance tolerance) {
        double dl = outcome.bound().eigenvalueError();
        return prepare(p, lambda, outcome, rows, cols, tolerance, 0.25,
                k -> inverseIterations(p, k, lambda, dl) <= MAX_INVERSE_ITERATIONS,
                k -> bottomVectorsInverse(g, p, k, lambda, dl));
    }

    private static Optional<GramRefinement> prepare(int p, double[] lambda, NativeBackend.GramOutcome outcome,
                                                    int rows, int cols, SvdBackend.Tolerance tolerance,
                                                    double gapFraction, java.util.function.IntPredicate usable,
                                                    java.util.function.IntFunction<DoublePointer> vectors) {
        double[] sigma = outcome.sigma();
        GramErrorBound bound = outcome.bound();
        double[] err = bound.errorBound();
        if (p < 2 || sigma[0] <= 0) {
            return Optional.empty();
        }
        double s1 = sigma[0];
        double dl = bound.eigenvalueError();
        int kMin = 0;
        int small = 0;
        for (int i = 0; i < p; i++) {
            double lo = Math.sqrt(Math.max(sigma[i] * sigma[i] - dl, 0));
            if (GramErrorBound.ratio(sigma[i], err[i], lo, s1, tolerance) > 1) {
                if (sigma[i] + err[i] >= tolerance.smallCut() * s1) {
                    return Optional.empty();          // a relative-region value fails: not a tiny-σ problem
                }
                kMin = Math.max(kMin, p - i);
            }
            if (sigma[i] < tolerance.smallCut() * s1) {
                small++;
            }
        }
        long outer = Math.max(rows, cols);
        // V, W (p×k), B and its dgesdd copy (max(m,n)×k) within the Gram's p² doubles.
        long memCap = (long) p * p / (2L * p + 2L * outer);
        int kMax = (int) Math.min(Math.min(Math.min(p / 4, MAX_K), small), Math.min(memCap, p - 1));
        if (kMin == 0 || kMin > kMax) {
            return Optional.empty();
        }
        double best = 0;
        for (int kk = kMin; kk <= kMax; kk++) {
            best = Math.max(best, lambda[kk] - dl - lambda[kk - 1]);
        }
        if (!(best > 0)) {
            return Optional.empty();
        }
        // The smallest k within a factor 2 (inverse iteration: 4) of the best predicted gap that the
        // vector method can use: η = r²/gap changes by ≤ 2× (4×), while the cost (dstein, dormtr,
        // the two products) grows linearly in k.
        int k = kMin;
        while (k <= kMax && (lambda[k] - dl - lambda[k - 1] < gapFraction * best || !usable.test(k))) {
            k++;
        }
        if (k > kMax) {
            return Optional.empty();
        }
        DoublePointer v = vectors.apply(k);
        if (v == null) {
            return Optional.empty();
        }
        return Optional.of(new GramRefinement(rows, cols, k, sigma, bound, lambda[k], tolerance, v));
    }

    /** Most inverse iterations {@link #bottomVectorsInverse} runs (else the one-stage path is cheaper). */
    static final int MAX_INVERSE_ITERATIONS = 8;
    private static final double EPS = Math.ulp(1.0) / 2;

    /**
     * V (p×k, column-major, orthonormal) spanning the k smallest eigenvectors of G, from the intact
     * Gram, by subspace iteration with (G + τI)⁻¹: Cholesky factor C = G + τI once
     * ({@code dpotrf}, p³/3 flops), then X ← C⁻¹X ({@code dpotrs}) and re-orthonormalise
     * ({@code dgeqrf}+{@code dorgqr}), starting from a fixed pseudo-random X. τ = max(2·δλ, 4·p·ε·λ̂_max)
     * lifts the computed Gram's rounding-level negative eigenvalues (|λ̂ − λ| ≤ δλ) above zero and
     * keeps C's condition number below 1/(4pε), where Cholesky succeeds. The angle to
     * the bottom-k eigenspace shrinks by ρ = (λ̂_k + τ)/(λ̂_{k+1} + τ) per iteration; it runs until
     * ρ^it ≤ 1e-16 (at least 2 iterations), or returns null when that needs more than
     * {@link #MAX_INVERSE_ITERATIONS} or C is not positive definite. Costs p³/3 + it·(2p²k + 4pk²)
     * flops against the 4p³/3 of a second (one-stage) reduction. V need not be exact: the
     * refinement's bound is a posteriori (the residual r = ‖G·V − V·H‖ of the V actually used).
     */
    static DoublePointer bottomVectorsInverse(DoublePointer g, int p, int k, double[] lambda, double dl) {
        int its = inverseIterations(p, k, lambda, dl);
        if (its > MAX_INVERSE_ITERATIONS) {
            return null;
        }
        double tau = shift(p, lambda, dl);
        DoublePointer z = NativeBackend.allocate((long) p * k);
        boolean ok = false;
        try (DoublePointer c = NativeBackend.allocate((long) p * p); DoublePointer tq = NativeBackend.allocate(k)) {
            org.bytedeco.javacpp.Pointer.memcpy(c, g, 8L * p * p);
            for (int i = 0; i < p; i++) {
                long at = (long) i * p + i;
                c.put(at, c.get(at) + tau);
            }
            if (LAPACKE_dpotrf(LAPACK_COL_MAJOR, (byte) 'U', p, c, p) != 0) {
                return null;
            }
            Random rnd = new Random(31L * p + k);
            double[] start = new double[p * k];
            for (int i = 0; i < start.length; i++) {
                start[i] = rnd.nextGaussian();
            }
            z.put(start);
            for (int it = 0; it < its; it++) {
                check("dpotrs", LAPACKE_dpotrs(LAPACK_COL_MAJOR, (byte) 'U', p, k, c, p, z, p), p, k);
                check("dgeqrf", LAPACKE_dgeqrf(LAPACK_COL_MAJOR, p, k, z, p, tq), p, k);
                check("dorgqr", LAPACKE_dorgqr(LAPACK_COL_MAJOR, p, k, k, z, p, tq), p, k);
            }
            ok = true;
            return z;
        } finally {
            if (!ok) {
                z.close();
            }
        }
    }

    /** τ of {@link #bottomVectorsInverse}. */
    private static double shift(int p, double[] lambda, double dl) {
        return Math.max(Math.max(2 * dl, 4.0 * p * EPS * Math.abs(lambda[p - 1])), Double.MIN_NORMAL);
    }

    /** Iterations {@link #bottomVectorsInverse} needs for the split k (Integer.MAX_VALUE: no gap). */
    static int inverseIterations(int p, int k, double[] lambda, double dl) {
        double tau = shift(p, lambda, dl);
        double top = lambda[k - 1] + tau;
        double next = lambda[k] + tau;
        if (!(top > 0 && next > top)) {
            return Integer.MAX_VALUE;
        }
        return Math.max(2, (int) Math.ceil(Math.log(1e-16) / Math.log(top / next)));
    }

    /** V (p×k, column-major, orthonormal): the k smallest eigenvectors of G, or null when dstein fails. */
    private static DoublePointer bottomVectors(DoublePointer g, TridiagonalEigen eig, int k) {
        int p = eig.p;
        DoublePointer z = NativeBackend.allocate((long) p * k);
        boolean ok = false;
        try (DoublePointer d = new DoublePointer(eig.d);
             DoublePointer e = new DoublePointer(eig.e.length == 0 ? new double[1] : eig.e);
             DoublePointer wv = NativeBackend.allocate(p);
             IntPointer m = new IntPointer(1);
             IntPointer nsplit = new IntPointer(1);
             IntPointer iblock = new IntPointer((long) p);
             IntPointer isplit = new IntPointer((long) p);
             IntPointer ifail = new IntPointer((long) k);
             DoublePointer tq = NativeBackend.allocate(k)) {
            // LAPACKE's NaN check reads all p entries of w (dstein), though only the first k are set.
            wv.fill(0);
            int info = LAPACKE_dstebz((byte) 'I', (byte) 'B', p, 0, 0, 1, k, 0, d, e, m, nsplit, wv, iblock, isplit);
            if (info != 0 || m.get() != k) {
                return null;
            }
            info = LAPACKE_dstein(LAPACK_COL_MAJOR, p, d, e, k, wv, iblock, isplit, z, p, ifail);
            if (info != 0) {
                return null;
            }
            info = LAPACKE_dormtr(LAPACK_COL_MAJOR, (byte) 'L', (byte) 'U', (byte) 'N', p, k, g, p, eig.tau, z, p);
            check("dormtr", info, p, k);
            info = LAPACKE_dgeqrf(LAPACK_COL_MAJOR, p, k, z, p, tq);
            check("dgeqrf", info, p, k);
            info = LAPACKE_dorgqr(LAPACK_COL_MAJOR, p, k, k, z, p, tq);
            check("dorgqr", info, p, k);
            ok = true;
            return z;
        } finally {
            if (!ok) {
                z.close();
            }
        }
    }

    /**
     * Next {@code count} stored rows (row-major, leading dimension c) at {@code block}; only when
     * {@link #byRows()}. Accumulates B_b = S_b·V and W += S_bᵀ·B_b.
     */
    public void addRows(DoublePointer block, int count) {
        requireOpen(true, count, rows);
        accumulate(block, count, cols, true);
    }

    /**
     * Next column panel of width {@code width} (all r rows, packed row-major r×width, leading
     * dimension {@code ld} ≥ width) at {@code block}; only when not {@link #byRows()}.
     * Accumulates B_P = S_Pᵀ·V and W += S_P·B_P.
     */
    public void addColumns(DoublePointer block, int width, int ld) {
        requireOpen(false, width, cols);
        accumulate(block, width, ld, false);
    }

    /**
     * The block read column-major with leading dimension {@code ld} is X = S_bᵀ (p×u) for a row
     * block, X = S_Pᵀ (u×p) for a panel: the next u rows of B are XᵀV resp. XV, and W += X·B_u
     * resp. Xᵀ·B_u.
     */
    private void accumulate(DoublePointer block, int units, int ld, boolean rowBlock) {
        allocateProducts();
        int toB = rowBlock ? CblasTrans : CblasNoTrans;
        int toW = rowBlock ? CblasNoTrans : CblasTrans;
        DoublePointer bRows = b.getPointer(fed);
        cblas_dgemm(CblasColMajor, toB, CblasNoTrans, units, k, p, 1.0, block, ld, v, p, 0.0, bRows, outer);
        cblas_dgemm(CblasColMajor, toW, CblasNoTrans, p, k, units, 1.0, block, ld, bRows, outer, 1.0, w, p);
        fed += units;
    }

    /**
     * Completes the refinement after every row (or column) was fed: σ descending (the p − k
     * largest from the Gram, the k smallest from B) when every value meets the tolerance, else
     * empty. Closes this refinement.
     */
    public Optional<double[]> finish() {
        if (closed) {
            throw new IllegalStateException("refinement already finished or closed");
        }
        int expected = byRows ? rows : cols;
        if (fed != expected) {
            throw new IllegalStateException("fed " + fed + " of " + expected);
        }
        try {
            double[] theta = thetaOfB();
            double r = residualNorm();
            return bound(theta, r);
        } finally {
            close();
        }
    }

    private double[] thetaOfB() {
        try (DoublePointer copy = NativeBackend.allocate((long) outer * k);
             DoublePointer s = NativeBackend.allocate(k);
             DoublePointer unused = NativeBackend.allocate(1)) {
            org.bytedeco.javacpp.Pointer.memcpy(copy, b, (long) outer * k * Double.BYTES);
            int info = LAPACKE_dgesdd(LAPACK_COL_MAJOR, (byte) 'N', outer, k, copy, outer, s, unused, 1, unused, 1);
            check("dgesdd", info, outer, k);
            double[] theta = new double[k];
            s.get(theta);
            return Inputs.descendingNonNegative(theta);
        }
    }

    /** ‖W − V·BᵀB‖_F (overwrites W). */
    private double residualNorm() {
        try (DoublePointer h = NativeBackend.allocate((long) k * k)) {
            cblas_dgemm(CblasColMajor, CblasTrans, CblasNoTrans, k, k, outer, 1.0, b, outer, b, outer, 0.0, h, k);
            cblas_dgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, p, k, k, -1.0, v, p, h, k, 1.0, w, p);
            java.nio.DoubleBuffer res = w.position(0).limit((long) p * k).asBuffer();
            double scale = 0;
            for (int i = 0; i < res.capacity(); i++) {
                scale = Math.max(scale, Math.abs(res.get(i)));
            }
            if (scale == 0) {
                return 0;
            }
            double sum = 0;
            for (int i = 0; i < res.capacity(); i++) {
                double y = res.get(i) / scale;
                sum += y * y;
            }
            return scale * Math.sqrt(sum);
        }
    }

    private Optional<double[]> bound(double[] theta, double r) {
        double s1 = sigmaHat[0];
        double thetaMax2 = theta[0] * theta[0];
        double floor = lambdaCut - dl;
        double gap0 = floor - thetaMax2;
        if (!(gap0 > 0)) {
            return Optional.empty();
        }
        double s = Math.min(1, r / gap0);
        double mu = (1 - s * s) * floor;
        double gap = mu - thetaMax2;
        if (!(gap > 0)) {
            return Optional.empty();
        }
        double eta = r * r / gap;
        double rho = 4.0 * (rows + (double) cols) * GramErrorBound.EPS64 * s1;
        double sqrtEta = Math.sqrt(eta);
        double[] out = new double[p];
        int top = p - k;
        for (int i = 0; i < top; i++) {
            double lo = Math.sqrt(Math.max(sigmaHat[i] * sigmaHat[i] - dl, 0));
            if (GramErrorBound.ratio(sigmaHat[i], errHat[i], lo, s1, tolerance) > 1) {
                return Optional.empty();
            }
            out[i] = sigmaHat[i];
        }
        for (int j = 0; j < k; j++) {
            double t = theta[j];
            double lo = Math.sqrt(Math.max(t * t - eta, 0));
            double e = (t + lo > 0 ? Math.min(sqrtEta, eta / (t + lo)) : sqrtEta) + rho;
            if (GramErrorBound.ratio(t, e, Math.max(t - e, 0), s1, tolerance) > 1) {
                return Optional.empty();
            }
            out[top + j] = t;
        }
        return Optional.of(Inputs.descendingNonNegative(out));
    }

    private void requireOpen(boolean rowBlock, int units, int total) {
        if (closed) {
            throw new IllegalStateException("refinement already finished or closed");
        }
        if (rowBlock != byRows) {
            throw new IllegalStateException(byRows ? "this refinement takes row blocks" : "this refinement takes column panels");
        }
        if (units < 1 || fed + units > total) {
            throw new IllegalArgumentException("block of " + units + " after " + fed + " exceeds " + total);
        }
    }

    private static void check(String routine, int info, int m, int n) {
        if (info != 0) {
            throw NativeBackend.lapackError(routine, info, m + "x" + n + " refinement");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            v.close();
            if (w != null) {
                w.close();
                b.close();
            }
        }
    }
}
