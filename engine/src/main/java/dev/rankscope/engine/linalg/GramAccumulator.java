package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;

import java.nio.DoubleBuffer;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasTrans;
import static org.bytedeco.openblas.global.openblas.CblasUpper;
import static org.bytedeco.openblas.global.openblas.cblas_dsyrk;

/**
 * Streams a stored r×c row-major matrix S into the Gram matrix of its smaller side with
 * {@code dsyrk} block updates, so the full matrix is never held in memory: peak off-heap memory is
 * 8·(p² + block) bytes (p = min(r, c)) instead of 8·r·c.
 * <ul>
 *   <li>c ≤ r ({@link #byRows()}): G = SᵀS (c×c) = Σ_b S_bᵀ S_b over row blocks S_b;</li>
 *   <li>c &gt; r: G = SSᵀ (r×r) = Σ_P S_P S_Pᵀ over column panels S_P (every row's columns
 *       [c0, c0+w), packed row-major r×w).</li>
 * </ul>
 * σ(S) = σ(Sᵀ), so a matrix stored transposed needs no special handling for its values.
 * {@link #finish} runs {@code dsytrd} + {@code dsterf} (= {@code dsyevd} jobz='N') and the {@link GramErrorBound} check, like the in-memory
 * Gram path; the caller falls back to a full {@code dgesdd} when the estimate rejects.
 * {@link #finishRefinable} instead keeps the Householder reflectors long enough to set up a
 * {@link GramRefinement} when only tiny σ fail; the caller then replays the same blocks once
 * ({@link #replayRows}/{@link #replayColumns}) and calls {@link #finishRefinement}.
 *
 * <p>Not thread-safe (one accumulator per matrix); close it (try-with-resources) to free the
 * off-heap buffers. Blocks are copied, never modified.
 */
public final class GramAccumulator implements AutoCloseable {
    private final int rows;
    private final int cols;
    private final int dim;
    private final boolean byRows;
    private final int blockCapacity;
    private final DoublePointer gram;
    private final DoublePointer block;
    private long fed;
    private boolean started;
    private boolean closed;
    private boolean gramClosed;
    private GramRefinement refinement;

    /**
     * @param rows          r, stored rows
     * @param cols          c, stored columns
     * @param blockElements capacity of one block or panel in elements (≥ the larger of r and c,
     *                      so a panel of width 1 or a single row fits)
     */
    public GramAccumulator(int rows, int cols, int blockElements) {
        NativeLibrary.requireAvailable();
        if (rows < 1 || cols < 1) {
            throw new IllegalArgumentException("empty matrix " + rows + "x" + cols);
        }
        if (blockElements < Math.max(rows, cols)) {
            throw new IllegalArgumentException("block of " + blockElements + " elements cannot hold one row/column panel of "
                    + rows + "x" + cols);
        }
        this.rows = rows;
        this.cols = cols;
        this.byRows = cols <= rows;
        this.dim = Math.min(rows, cols);
        this.blockCapacity = blockElements;
        DoublePointer g = NativeBackend.allocate((long) dim * dim);
        try {
            this.block = NativeBackend.allocate(blockElements);
        } catch (LinalgException e) {
            g.close();
            throw e;
        }
        this.gram = g;
    }

    /** True: feed row blocks ({@link #addRows}); false: feed column panels ({@link #addColumns}). */
    public boolean byRows() {
        return byRows;
    }

    /** p, the Gram dimension. */
    public int gramDim() {
        return dim;
    }

    /** Rows per block (when {@link #byRows()}) or columns per panel that fit the block capacity. */
    public int unitsPerBlock() {
        return byRows ? blockCapacity / cols : blockCapacity / rows;
    }

    /**
     * Adds {@code count} consecutive stored rows, row-major in {@code data[0 .. count·c)}.
     * Rows must be fed in any order, each exactly once.
     */
    public void addRows(double[] data, int count) {
        add(data, count, true);
    }

    /**
     * Adds a column panel of width {@code width}: all r rows' columns [c0, c0+width), packed
     * row-major r×width in {@code data[0 .. r·width)}. Each column exactly once.
     */
    public void addColumns(double[] data, int width) {
        add(data, width, false);
    }

    private void add(double[] data, int units, boolean rowBlock) {
        requireOpen();
        if (rowBlock != byRows) {
            throw new IllegalStateException(byRows ? "this accumulator takes row blocks (c ≤ r)"
                    : "this accumulator takes column panels (c > r)");
        }
        int count = units * (byRows ? cols : rows);
        checkFinite(data, count);
        load(data, count);
        double beta = started ? 1.0 : 0.0;
        if (byRows) {
            // row block b×c row-major == column-major c×b (ld c); S_bᵀ S_b = B Bᵀ
            cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, cols, units, 1.0, block, cols, beta, gram, cols);
        } else {
            // panel r×w row-major == column-major w×r (ld w); S_P S_Pᵀ = Bᵀ B
            cblas_dsyrk(CblasColMajor, CblasUpper, CblasTrans, rows, units, 1.0, block, units, beta, gram, rows);
        }
        started = true;
        fed += units;
    }

    /**
     * Eigenvalues of the accumulated Gram → σ descending with the error estimate. Call once,
     * after every row (or column) was added.
     */
    public NativeBackend.GramOutcome finish(SvdBackend.Tolerance tolerance) {
        requireOpen();
        long expected = byRows ? rows : cols;
        if (fed != expected) {
            throw new IllegalStateException("fed " + fed + " of " + expected + (byRows ? " rows" : " columns"));
        }
        try {
            return NativeBackend.eigenToSigma(gram, dim, Math.max(rows, cols), tolerance);
        } finally {
            close();
        }
    }

    /**
     * Like {@link #finish}, but when the estimate rejects the result and a {@link GramRefinement}
     * can resolve the failing tiny σ, returns it (the Gram buffer is freed first): the caller
     * replays every block in the same order with {@link #replayRows}/{@link #replayColumns}
     * and calls {@link #finishRefinement}. Empty when the result was accepted (use
     * {@link GramRefinementStep#outcome()}) or no refinement applies.
     */
    public GramRefinementStep finishRefinable(SvdBackend.Tolerance tolerance) {
        requireOpen();
        long expected = byRows ? rows : cols;
        if (fed != expected) {
            throw new IllegalStateException("fed " + fed + " of " + expected + (byRows ? " rows" : " columns"));
        }
        NativeBackend.GramOutcome outcome;
        if (dim >= TridiagonalEigen.twoStageFrom()) {
            try {
                double[] lambda = TridiagonalEigen.valuesTwoStage(gram, dim);
                outcome = NativeBackend.outcome(lambda, dim, Math.max(rows, cols), tolerance);
                if (!outcome.bound().accepted()) {
                    refinement = GramRefinement.prepareFromGram(gram, dim, lambda, outcome, rows, cols, tolerance).orElse(null);
                }
            } catch (RuntimeException e) {
                close();
                throw e;
            }
            if (outcome.bound().accepted() || refinement != null) {
                gram.close();
                gramClosed = true;
                if (refinement == null) {
                    close();
                }
                return new GramRefinementStep(outcome, refinement != null);
            }
            // no refinement from the Gram itself: reduce it one-stage for the reflectors
        }
        try (TridiagonalEigen eig = TridiagonalEigen.reduce(gram, dim)) {
            outcome = NativeBackend.outcome(eig.lambda, dim, Math.max(rows, cols), tolerance);
            if (!outcome.bound().accepted()) {
                refinement = GramRefinement.prepare(gram, eig, outcome, rows, cols, tolerance).orElse(null);
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        gram.close();
        gramClosed = true;
        if (refinement == null) {
            close();
        }
        return new GramRefinementStep(outcome, refinement != null);
    }

    /**
     * The plain Gram outcome and whether a refinement pass is pending.
     *
     * @param outcome   σ̂ and the {@link GramErrorBound}
     * @param refining  true when the caller must replay the blocks and call {@link #finishRefinement}
     */
    public record GramRefinementStep(NativeBackend.GramOutcome outcome, boolean refining) {
    }

    /** Replays {@code count} stored rows (as {@link #addRows}) into the pending refinement. */
    public void replayRows(double[] data, int count) {
        requireRefining();
        load(data, count * cols);
        refinement.addRows(block, count);
    }

    /** Replays a column panel (as {@link #addColumns}) into the pending refinement. */
    public void replayColumns(double[] data, int width) {
        requireRefining();
        load(data, width * rows);
        refinement.addColumns(block, width, width);
    }

    /** σ descending from the refinement when every value meets the tolerance, else empty. Closes. */
    public java.util.Optional<double[]> finishRefinement() {
        requireRefining();
        try {
            return refinement.finish();
        } finally {
            close();
        }
    }

    private void requireRefining() {
        if (closed || refinement == null) {
            throw new IllegalStateException("no refinement pending");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (!gramClosed) {
                gram.close();
            }
            block.close();
            if (refinement != null) {
                refinement.close();
            }
        }
    }

    private void load(double[] data, int count) {
        if (count > blockCapacity || count > data.length) {
            throw new IllegalArgumentException(count + " elements exceed the block capacity " + blockCapacity);
        }
        DoubleBuffer b = block.position(0).asBuffer();
        b.put(data, 0, count);
    }

    private void checkFinite(double[] data, int count) {
        for (int i = 0; i < count; i++) {
            if (!Double.isFinite(data[i])) {
                throw new LinalgException("The matrix contains NaN or infinite values, so its spectrum cannot be computed.",
                        "non-finite value " + data[i] + " in a streamed block of a " + rows + "x" + cols + " matrix");
            }
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("accumulator already finished or closed");
        }
    }
}
