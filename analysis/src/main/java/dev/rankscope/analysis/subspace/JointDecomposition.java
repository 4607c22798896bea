package dev.rankscope.analysis.subspace;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * What a shared basis would save for one group of matrices (SPEC §11; xKV, basis sharing,
 * MHA2MLA's joint K/V SVD, Sub-MoE's shared expert basis).
 *
 * <p>For a target relative error ε over the group — {@code sqrt(Σ_i discarded_i / Σ_i ‖W_i‖²_F) ≤ ε}:
 * <ul>
 *   <li><b>shared</b>: the smallest rank k of the stacked matrix S whose discarded energy
 *   {@code Σ_{j>k} σ_j(S)²} is at most ε²·Σ‖W_i‖²; it costs {@code k·n + k·Σm_i} parameters
 *   stacked vertically ({@code k·m + k·Σn_i} horizontally);</li>
 *   <li><b>separate</b>: ranks k_i minimising {@code Σ k_i(m_i + n_i)} with
 *   {@code Σ_i Σ_{j>k_i} σ_j(W_i)² ≤} the shared basis's discarded energy — the same total
 *   Frobenius error. Taking singular directions in order of σ²/(m_i+n_i) is exactly optimal when
 *   every member has the same m+n (the usual case: one module type, experts, K and V); otherwise
 *   a dynamic programme over cost units gives the exact optimum when it fits a work limit, else
 *   the greedy choice is reported as such ({@link Result#separateExact()} false);</li>
 *   <li><b>dense</b>: {@code Σ m_i n_i}.</li>
 * </ul>
 * Pure functions of the matrices given; nothing is modified. Thread-safe when the backend is.
 */
public final class JointDecomposition {
    /** Work limit (cells) of the exact separate-cost programme. */
    static final long DP_WORK_LIMIT = 200_000_000L;
    private static final double ENERGY_SLACK = 1e-12;

    private JointDecomposition() {
    }

    /**
     * @param ids              the members, in the order given
     * @param stacking         how they were joined
     * @param stackedSigma     singular values of the stacked matrix, descending
     * @param targetError      ε
     * @param sharedRank       k of the shared basis
     * @param sharedParams     its parameter count
     * @param sharedRelError   its actual relative error (≤ ε)
     * @param separateRanks    k_i per member at the same total discarded energy
     * @param separateParams   Σ k_i(m_i + n_i)
     * @param separateRelError the separate ranks' actual relative error (≤ sharedRelError)
     * @param separateExact    whether the separate ranks are proven minimal
     * @param denseParams      Σ m_i n_i
     */
    public record Result(List<String> ids, Stacking stacking, double[] stackedSigma, double targetError,
                         int sharedRank, long sharedParams, double sharedRelError,
                         int[] separateRanks, long separateParams, double separateRelError, boolean separateExact,
                         long denseParams) {
        public Result {
            ids = List.copyOf(ids);
            stackedSigma = stackedSigma.clone();
            separateRanks = separateRanks.clone();
        }

        @Override
        public double[] stackedSigma() {
            return stackedSigma.clone();
        }

        @Override
        public int[] separateRanks() {
            return separateRanks.clone();
        }

        /** Parameters the shared basis saves against separate factors at the same error (negative: it costs more). */
        public long savedParams() {
            return separateParams - sharedParams;
        }

        /** The cheapest way to hold the group at the target error: min(shared, separate, dense). */
        public long bestParams() {
            return Math.min(denseParams, Math.min(sharedParams, separateParams));
        }
    }

    /**
     * Stacks {@code matrices} and compares a shared basis with separate factors at error ε.
     *
     * @param separateSigma singular values of each member (descending), as already computed
     * @throws IllegalArgumentException for a group of fewer than two, incompatible shapes, or ε ∉ [0, 1)
     */
    public static Result analyse(List<String> ids, List<Matrix> matrices, List<double[]> separateSigma,
                                 Stacking stacking, double targetError, SvdBackend backend) {
        if (matrices.size() < 2) {
            throw new IllegalArgumentException("a group needs at least two matrices, got " + matrices.size());
        }
        if (ids.size() != matrices.size() || separateSigma.size() != matrices.size()) {
            throw new IllegalArgumentException("ids, matrices and spectra differ in number");
        }
        if (!(targetError >= 0 && targetError < 1)) {
            throw new IllegalArgumentException("target error must be in [0, 1), got " + targetError);
        }
        Matrix stacked = stack(ids, matrices, stacking);
        double[] sigma = backend.singularValues(stacked, SvdBackend.Tolerance.DEFAULT).sigma();
        return fromSpectra(ids, shapes(matrices), sigma, separateSigma, stacking, targetError);
    }

    /**
     * The same comparison from spectra alone (the stacked spectrum given).
     *
     * @param shapes {m_i, n_i} per member
     */
    public static Result fromSpectra(List<String> ids, List<int[]> shapes, double[] stackedSigma,
                                     List<double[]> separateSigma, Stacking stacking, double targetError) {
        double total = 0;
        for (double[] s : separateSigma) {
            total += energy(s, 0);
        }
        double allowed = targetError * targetError * total;
        int k = 0;
        double[] tail = tailEnergy(stackedSigma);
        while (k < stackedSigma.length && tail[k] > allowed * (1 + ENERGY_SLACK) + ENERGY_SLACK * Double.MIN_NORMAL) {
            k++;
        }
        double sharedDiscarded = tail[k];
        long sumOther = 0;
        long dense = 0;
        int shared = 0;
        for (int[] s : shapes) {
            sumOther += stacking == Stacking.VERTICAL ? s[0] : s[1];
            dense += (long) s[0] * s[1];
            shared = stacking == Stacking.VERTICAL ? s[1] : s[0];
        }
        long sharedParams = (long) k * (shared + sumOther);
        long[] cost = new long[shapes.size()];
        for (int i = 0; i < cost.length; i++) {
            cost[i] = (long) shapes.get(i)[0] + shapes.get(i)[1];
        }
        Separate sep = separate(separateSigma, cost, total - sharedDiscarded);
        double sepDiscarded = 0;
        for (int i = 0; i < cost.length; i++) {
            sepDiscarded += energy(separateSigma.get(i), sep.ranks[i]);
        }
        return new Result(ids, stacking, stackedSigma, targetError, k, sharedParams, relError(sharedDiscarded, total),
                sep.ranks, sep.params, relError(sepDiscarded, total), sep.exact, dense);
    }

    private static double relError(double discarded, double total) {
        return total > 0 ? Math.sqrt(Math.max(0, discarded) / total) : 0;
    }

    private record Separate(int[] ranks, long params, boolean exact) {
    }

    /** Minimum-cost ranks keeping at least {@code keep} energy in total. */
    static Separate separate(List<double[]> sigma, long[] cost, double keep) {
        int g = sigma.size();
        double need = keep - ENERGY_SLACK * Math.max(1, Math.abs(keep));
        int[] greedy = greedy(sigma, cost, need);
        long greedyCost = params(greedy, cost);
        boolean equalCosts = Arrays.stream(cost).distinct().count() == 1;
        if (equalCosts) {
            return new Separate(greedy, greedyCost, true);
        }
        long unit = 0;
        for (long c : cost) {
            unit = gcd(unit, c);
        }
        int units = (int) Math.min(Integer.MAX_VALUE - 1, greedyCost / unit);
        long work = 0;
        for (double[] s : sigma) {
            work += (long) (s.length + 1) * (units + 1);
        }
        if (work > DP_WORK_LIMIT) {
            return new Separate(greedy, greedyCost, false);
        }
        // best[u] = most energy kept with cost ≤ u units over the members seen so far
        double[] best = new double[units + 1];
        int[][] choice = new int[g][units + 1];
        for (int i = 0; i < g; i++) {
            double[] kept = keptPrefix(sigma.get(i));
            int step = (int) (cost[i] / unit);
            double[] next = new double[units + 1];
            Arrays.fill(next, Double.NEGATIVE_INFINITY);
            for (int u = 0; u <= units; u++) {
                for (int k = 0; k < kept.length && (long) k * step <= u; k++) {
                    double v = best[u - k * step] + kept[k];
                    if (v > next[u]) {
                        next[u] = v;
                        choice[i][u] = k;
                    }
                }
            }
            best = next;
        }
        int u = 0;
        while (u < units && best[u] < need) {
            u++;
        }
        int[] ranks = new int[g];
        int left = u;
        for (int i = g - 1; i >= 0; i--) {
            ranks[i] = choice[i][left];
            left -= ranks[i] * (int) (cost[i] / unit);
        }
        long p = params(ranks, cost);
        return p <= greedyCost ? new Separate(ranks, p, true) : new Separate(greedy, greedyCost, true);
    }

    /** Directions taken in order of σ²/cost until the kept energy reaches {@code need}. */
    private static int[] greedy(List<double[]> sigma, long[] cost, double need) {
        record Dir(int matrix, int index, double ratio) {
        }
        List<Dir> dirs = new ArrayList<>();
        for (int i = 0; i < sigma.size(); i++) {
            double[] s = sigma.get(i);
            for (int j = 0; j < s.length; j++) {
                dirs.add(new Dir(i, j, s[j] * s[j] / cost[i]));
            }
        }
        // σ is descending within a matrix, so each matrix's directions come out in index order
        dirs.sort(Comparator.comparingDouble(Dir::ratio).reversed().thenComparingInt(Dir::matrix).thenComparingInt(Dir::index));
        int[] ranks = new int[sigma.size()];
        double kept = 0;
        for (Dir d : dirs) {
            if (kept >= need) {
                break;
            }
            ranks[d.matrix] = d.index + 1;
            double s = sigma.get(d.matrix)[d.index];
            kept += s * s;
        }
        return ranks;
    }

    private static long params(int[] ranks, long[] cost) {
        long p = 0;
        for (int i = 0; i < ranks.length; i++) {
            p += ranks[i] * cost[i];
        }
        return p;
    }

    private static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /** kept[k] = Σ_{j<k} σ_j², k = 0..p. */
    static double[] keptPrefix(double[] sigma) {
        double[] kept = new double[sigma.length + 1];
        for (int j = 0; j < sigma.length; j++) {
            kept[j + 1] = kept[j] + sigma[j] * sigma[j];
        }
        return kept;
    }

    /** tail[k] = Σ_{j≥k} σ_j², k = 0..p (tail[p] = 0), summed from the small end. */
    public static double[] tailEnergy(double[] sigma) {
        double[] tail = new double[sigma.length + 1];
        for (int j = sigma.length - 1; j >= 0; j--) {
            tail[j] = tail[j + 1] + sigma[j] * sigma[j];
        }
        return tail;
    }

    private static double energy(double[] sigma, int from) {
        double e = 0;
        for (int j = sigma.length - 1; j >= from; j--) {
            e += sigma[j] * sigma[j];
        }
        return e;
    }

    private static List<int[]> shapes(List<Matrix> matrices) {
        List<int[]> shapes = new ArrayList<>();
        for (Matrix m : matrices) {
            shapes.add(new int[]{m.rows(), m.cols()});
        }
        return shapes;
    }

    /** The group joined along its shared dimension. */
    public static Matrix stack(List<String> ids, List<Matrix> matrices, Stacking stacking) {
        Matrix first = matrices.get(0);
        int rows = 0;
        int cols = 0;
        for (int i = 0; i < matrices.size(); i++) {
            Matrix m = matrices.get(i);
            if (stacking == Stacking.VERTICAL ? m.cols() != first.cols() : m.rows() != first.rows()) {
                throw new IllegalArgumentException(ids.get(i) + " (" + m.rows() + "×" + m.cols() + ") cannot be stacked "
                        + stacking.label() + "ly with " + ids.get(0) + " (" + first.rows() + "×" + first.cols() + ")");
            }
            rows += stacking == Stacking.VERTICAL ? m.rows() : 0;
            cols += stacking == Stacking.HORIZONTAL ? m.cols() : 0;
        }
        if (stacking == Stacking.VERTICAL) {
            cols = first.cols();
            double[] d = new double[Math.multiplyExact(rows, cols)];
            int at = 0;
            for (Matrix m : matrices) {
                System.arraycopy(m.data(), 0, d, at, m.data().length);
                at += m.data().length;
            }
            return new Matrix(rows, cols, d);
        }
        rows = first.rows();
        double[] d = new double[Math.multiplyExact(rows, cols)];
        int off = 0;
        for (Matrix m : matrices) {
            for (int r = 0; r < rows; r++) {
                System.arraycopy(m.data(), r * m.cols(), d, r * cols + off, m.cols());
            }
            off += m.cols();
        }
        return new Matrix(rows, cols, d);
    }
}
