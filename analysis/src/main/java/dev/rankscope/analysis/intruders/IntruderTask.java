package dev.rankscope.analysis.intruders;

import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.ChangedFiles;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Compares a base and a tuned checkpoint matrix by matrix (SPEC §3), streaming each
 * {@link IntruderMatrixResult} to a listener. Pairs run one at a time so memory stays bounded by
 * one pair: both matrices, both SVDs' factors and ΔW. In float64 each 4096×4096 array is 128 MiB;
 * the peak, during the tuned SVD, holds W₀, W_t, U₀, U_t, V_tᵀ, the backend's copy of its input and
 * LAPACK's ≈3p² workspace: about 1.1 GiB for a 4096×4096 pair ({@link #estimatedPeakBytes}), all
 * released before the next pair. Only the small result (c_j, σ, a 100×128 overlap block) is kept.
 * Progress is the fraction of pairs done; cancellation is checked between pairs. A pair that fails
 * is reported and does not stop the others; both files are checked against their identity at
 * open before a pair is read and before its result is kept ({@link #verifyUnchanged}), and the
 * pairs a changed file cost are reported as one failure naming that file.
 */
public class IntruderTask extends AbstractTask {
    private final TensorSource base;
    private final TensorSource tuned;
    private final Pairing pairing;
    private final IntruderAnalyzer analyzer;
    private final Function<String, MatrixName> names;
    private final IntruderListener listener;
    private final List<IntruderMatrixResult> results = new ArrayList<>();
    private final List<IntruderReport.MatrixFailure> failures = new ArrayList<>();
    /** Pairs lost to a file that changed during the run: one failure line per file in {@link #report()}. */
    private final ChangedFiles changed = new ChangedFiles();

    /**
     * @param pairing  which matrices to compare (see {@link Pairing#of})
     * @param names    parses a matrix id into layer/module (the analysis module's name parser)
     * @param listener receives each result on the worker thread
     */
    public IntruderTask(TensorSource base, TensorSource tuned, Pairing pairing, IntruderAnalyzer analyzer,
                        Function<String, MatrixName> names, IntruderListener listener) {
        super("Intruder dimensions: " + base.path().getFileName() + " vs " + tuned.path().getFileName());
        this.base = base;
        this.tuned = tuned;
        this.pairing = pairing;
        this.analyzer = analyzer;
        this.names = names;
        this.listener = listener;
    }

    @Override
    protected void work() {
        List<Pairing.MatrixPair> pairs = pairing.pairs();
        int total = pairs.size();
        progress(0, "0 of " + total + " matrix pairs");
        for (int i = 0; i < total; i++) {
            checkCancelled();
            Pairing.MatrixPair pair = pairs.get(i);
            progress((double) i / total, (i + 1) + " of " + total + ": " + pair.name());
            computeOne(pair);
        }
        progress(1, total + " of " + total + " matrix pairs");
    }

    private void computeOne(Pairing.MatrixPair pair) {
        try {
            verifyUnchanged(base, tuned, pair);
            Matrix w0 = MatrixReader.read(base, pair.base());
            Matrix wt = MatrixReader.read(tuned, pair.tuned());
            IntruderMatrixResult result = analyzer.analyze(names.apply(pair.name()), w0, wt);
            verifyUnchanged(base, tuned, pair);
            synchronized (results) {
                results.add(result);
            }
            listener.onResult(result);
        } catch (RankscopeException e) {
            fail(pair, e);
        } catch (OutOfMemoryError e) {
            fail(pair, new RankscopeException("not enough memory for matrix pair " + pair.name() + " ("
                    + pair.base().shapeString() + ")", e.toString(), e));
        }
    }

    /**
     * The one changed-file check ({@link TensorSource#verifyUnchanged}) on both sides of {@code pair}:
     * called before its matrices are read and again before its result is kept, so a file rewritten
     * or replaced during the run never yields a result mixed from two versions.
     *
     * @throws dev.rankscope.engine.tensor.CheckpointFormatException CHANGED naming the file
     */
    public static void verifyUnchanged(TensorSource base, TensorSource tuned, Pairing.MatrixPair pair) {
        base.verifyUnchanged(pair.base().tensor());
        tuned.verifyUnchanged(pair.tuned().tensor());
    }

    private void fail(Pairing.MatrixPair pair, RankscopeException e) {
        synchronized (results) {
            if (!changed.offer(e)) {
                failures.add(new IntruderReport.MatrixFailure(pair.name(), e.userMessage()));
            }
        }
        listener.onFailure(pair, e);
    }

    /**
     * Estimated peak bytes while one m×n pair is analysed: {@code 8·(3mn + 2mp + pn + 3p²)}
     * (W₀, W_t and the backend's input copy; U₀, U_t; V_tᵀ; SVD workspace), p = min(m, n).
     * 4096×4096 → 1.125 GiB. An estimate for planning and for telling the user, not a bound.
     */
    public static long estimatedPeakBytes(int m, int n) {
        long p = Math.min(m, n);
        long mn = (long) m * n;
        return 8L * (3 * mn + 2 * (long) m * p + p * n + 3 * p * p);
    }

    /** Results so far (all of them once FINISHED), as a report. Safe from any thread. */
    public IntruderReport report() {
        synchronized (results) {
            List<IntruderReport.MatrixFailure> all = new ArrayList<>(failures);
            changed.lines("matrix pair", "matrix pairs")
                    .forEach(l -> all.add(new IntruderReport.MatrixFailure(l.fileName(), l.message())));
            return new IntruderReport(String.valueOf(base.path()), String.valueOf(tuned.path()), results, pairing, all);
        }
    }
}
