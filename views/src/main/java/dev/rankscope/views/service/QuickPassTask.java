package dev.rankscope.views.service;

import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.RandomizedSvd;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The workbench's quick approximate pass: for each matrix, the top
 * {@value #TOP_K} singular values by randomised subspace iteration ({@link RandomizedSvd},
 * Halko–Martinsson–Tropp Alg. 4.4, fixed seed {@value #SEED}, {@value #POWER_ITERATIONS} power
 * iterations, oversampling {@value #OVERSAMPLE}), analysed with {@link Analyzer} as an
 * approximate spectrum and streamed to an {@link AnalysisSink}. Exact results replace these
 * later; nothing here is ever written to the spectrum cache.
 *
 * <p>What is honest from a top-k pass: σ̂₁ (a lower bound that converges fastest) and, because the
 * Frobenius norm ‖A‖²_F = Σσ² is computed exactly from the matrix data here, the stable rank
 * ‖A‖²_F/σ̂₁² and the log-norm log10 ‖A‖²_F (SPEC §1). Those three fields of {@link RankMetrics}
 * are replaced accordingly and the note {@link #EXACT_FROBENIUS_NOTE} is added to the warnings;
 * the power-law fit is dropped (a 64-value tail is not the ESD, SPEC §2) and no MP fit is made.
 * Everything else in {@link RankMetrics} describes the top-k values only and the views show it as
 * unavailable ({@code Metric}).
 *
 * <p>Matrices with p = min(m, n) ≤ {@value #TOP_K} are skipped (their exact SVD is as cheap), as
 * are matrices {@code skip} accepts (exact spectrum already cached). A matrix whose read or
 * randomised SVD fails is skipped silently: the exact pass reports it. Cancels between matrices.
 */
final class QuickPassTask extends AbstractTask {
    /** Number of singular values the quick pass estimates. */
    static final int TOP_K = 64;
    static final int OVERSAMPLE = 10;
    static final int POWER_ITERATIONS = 2;
    static final long SEED = 20_241_107L;
    /** Warning carried by quick-pass analyses whose Frobenius-based metrics are exact from the data. */
    static final String EXACT_FROBENIUS_NOTE = QuickPreview.EXACT_FROBENIUS_NOTE;

    private static final System.Logger LOG = System.getLogger(QuickPassTask.class.getName());
    private static final RandomizedSvd.Parameters PARAMS =
            new RandomizedSvd.Parameters(TOP_K, OVERSAMPLE, POWER_ITERATIONS, SEED);

    private final TensorSource source;
    private final List<MatrixEntry> matrices;
    private final Predicate<MatrixEntry> skip;
    private final AnalysisSink sink;

    /**
     * @param source   opened checkpoint (not closed here)
     * @param matrices matrices of {@code source}, in the order to preview
     * @param skip     matrices not to preview (e.g. exact spectrum cached)
     * @param sink     receives each approximate analysis on the worker thread
     */
    QuickPassTask(TensorSource source, List<MatrixEntry> matrices, Predicate<MatrixEntry> skip, AnalysisSink sink) {
        super("Quick preview of " + source.path().getFileName());
        this.source = source;
        this.matrices = List.copyOf(matrices);
        this.skip = skip;
        this.sink = sink;
    }

    @Override
    protected void work() {
        List<MatrixEntry> todo = new ArrayList<>();
        for (MatrixEntry e : matrices) {
            checkCancelled();
            if (e.fullRank() > TOP_K && !skip.test(e)) {
                todo.add(e);
            }
        }
        int n = todo.size();
        progress(0, "≈ top " + TOP_K + ": 0 of " + n + " matrices");
        for (int i = 0; i < n; i++) {
            checkCancelled();
            MatrixEntry e = todo.get(i);
            try {
                sink.onMatrix(preview(source, e));
            } catch (RankscopeException failure) {
                LOG.log(System.Logger.Level.DEBUG, "quick preview of " + e.id() + " skipped: " + failure.getMessage());
            }
            progress((i + 1.0) / n, "≈ top " + TOP_K + ": " + (i + 1) + " of " + n + " matrices");
        }
    }

    /**
     * The approximate analysis of one matrix, as described in the class comment. Reads the matrix
     * (float64), so costs one read plus O(mn(k+10)(2q+2)) flops.
     *
     * @throws RankscopeException when the matrix cannot be read or decomposed
     */
    static MatrixAnalysis preview(TensorSource source, MatrixEntry entry) {
        long t0 = System.nanoTime();
        Matrix a = MatrixReader.read(source, entry.ref());
        SvdResult r = RandomizedSvd.topValues(a, PARAMS);
        double frobenius2 = 0;
        for (double v : a.data()) {
            frobenius2 += v * v;
        }
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Spectrum spectrum = new Spectrum(entry.ref(), r.sigma(), r.method(), Precision.F64, true, millis);
        MatrixAnalysis top = Analyzer.analyze(entry.name(), entry.dtype(), spectrum);
        RankMetrics k = top.ranks();
        double s1 = k.spectralNorm();
        RankMetrics ranks = new RankMetrics(k.effectiveRank(), k.energyEffectiveRank(),
                s1 > 0 ? frobenius2 / (s1 * s1) : 0, k.numericalRank(), k.rankAt90(), k.rankAt95(), k.rankAt99(),
                k.spectralEntropy(), k.nuclearNorm(), Math.sqrt(frobenius2), s1, k.conditionNumber(),
                frobenius2 > 0 ? Math.log10(frobenius2) : k.logNorm(), k.logSpectralNorm(), k.zeroMatrix());
        List<String> warnings = new ArrayList<>();
        for (String w : top.warnings()) {
            if (!w.startsWith("power-law fit skipped")) {
                warnings.add(w.startsWith("approximate spectrum")
                        ? "approximate spectrum: top " + r.size() + " of " + entry.fullRank()
                          + " singular values (randomised quick preview); exact values replace it" : w);
            }
        }
        warnings.add(EXACT_FROBENIUS_NOTE);
        return new MatrixAnalysis(top.name(), top.dtype(), spectrum, ranks, null, null, warnings);
    }
}
