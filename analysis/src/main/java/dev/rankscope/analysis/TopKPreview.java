package dev.rankscope.analysis;

import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.engine.linalg.PhaseTimes;
import dev.rankscope.engine.linalg.BlockKrylovSvd;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.TopValuesFromSource;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The quick approximate analysis of one matrix and the rule of which of its numbers are honest.
 * The top {@value #TOP_K} singular values come from randomised block Krylov iteration
 * ({@link BlockKrylovSvd}, in float32, fixed seed {@value #SEED}, {@value #KRYLOV_BLOCKS} blocks of
 * {@value #KRYLOV_BLOCK} columns: 9 passes of 32 columns, 27–31 % cheaper than the 6 passes of 74
 * columns of subspace iteration it replaced, and closer on the top values, docs/PERFORMANCE.md)
 * and are analysed with {@link Analyzer} as an approximate spectrum. Float32 halves the pass's
 * memory traffic and doubles its arithmetic rate (the preview of a 7B checkpoint is dominated by
 * the gemm passes); its rounding, ≈ 1e-6·σ₁, is far below the preview's approximation error.
 *
 * <p>What is honest from a top-k pass: σ̂₁ (a lower bound that converges fastest) and, because the
 * Frobenius norm ‖A‖²_F = Σσ² is computed exactly from the matrix data here, the stable rank
 * ‖A‖²_F/σ̂₁² and the log-norm log10 ‖A‖²_F (SPEC §1). Those three fields of {@link RankMetrics}
 * are replaced accordingly and the note {@link #EXACT_FROBENIUS_NOTE} is added to the warnings;
 * the power-law fit is dropped (a 64-value tail is not the ESD, SPEC §2) and no MP fit is made.
 * Every other metric describes the top-k values only: {@link #honest} says so, and the front ends
 * show it as unavailable. Pure functions; thread-safe.
 */
public final class TopKPreview {
    /** Number of singular values the quick pass estimates. */
    public static final int TOP_K = 64;
    /** Columns per Krylov block. */
    public static final int KRYLOV_BLOCK = 32;
    /** Krylov blocks: {@value} passes with A and one fewer with Aᵀ. */
    public static final int KRYLOV_BLOCKS = 5;
    public static final long SEED = 20_241_107L;

    /**
     * Warning carried by quick-pass analyses whose Frobenius norm (hence stable rank and log-norm)
     * was computed exactly from the matrix data rather than from the top-k values.
     */
    public static final String EXACT_FROBENIUS_NOTE =
            "Frobenius norm, stable rank and log-norm computed from the full matrix data";

    /** Metric fields (snake_case, as in the CSV and JSON) a top-k pass gives honestly: σ̂₁-based. */
    public static final Set<String> TOP_K_FIELDS = Set.of("spectral_norm", "log_spectral_norm");
    /** Metric fields honest for a top-k analysis whose Frobenius norm came from the data. */
    public static final Set<String> FROBENIUS_FIELDS = Set.of("stable_rank", "frobenius_norm", "log_norm");

    private static final BlockKrylovSvd.Parameters PARAMS =
            new BlockKrylovSvd.Parameters(TOP_K, KRYLOV_BLOCK, KRYLOV_BLOCKS, SEED);

    private TopKPreview() {
    }

    /**
     * The approximate analysis of one matrix, as described in the class comment. Reads the matrix
     * once, in float32 straight into the off-heap buffer the iteration multiplies with
     * ({@link TopValuesFromSource}, {@link MatrixReader#readFloat}: (out, in) as {@code ref}
     * orients it, finiteness checked and ‖A‖²_F summed in float64 in the same pass), so costs one
     * read, 4·m·n bytes off-heap, plus
     * O(2mn·b·(2s−1)) flops.
     *
     * @throws dev.rankscope.engine.RankscopeException when the matrix cannot be read or decomposed
     */
    public static MatrixAnalysis analyze(TensorSource source, MatrixRef ref, MatrixName name, DType dtype) {
        return analyze(source, ref, name, dtype, PhaseTimes.NONE);
    }

    /** As {@link #analyze(TensorSource, MatrixRef, MatrixName, DType)}, adding each phase's time to {@code times}. */
    public static MatrixAnalysis analyze(TensorSource source, MatrixRef ref, MatrixName name, DType dtype, PhaseTimes times) {
        long t0 = System.nanoTime();
        TopValuesFromSource.Estimate estimate = TopValuesFromSource.estimate(source, ref, PARAMS, times);
        SvdResult r = estimate.values();
        double frobenius2 = estimate.frobenius2();
        long millis = (System.nanoTime() - t0) / 1_000_000;
        Spectrum spectrum = new Spectrum(ref, r.sigma(), r.method(), Precision.F32, true, millis);
        MatrixAnalysis top = Analyzer.analyze(name, dtype, spectrum);
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
                        ? "approximate spectrum: top " + r.size() + " of " + ref.minDim()
                          + " singular values (randomised quick preview); exact values replace it" : w);
            }
        }
        warnings.add(EXACT_FROBENIUS_NOTE);
        return new MatrixAnalysis(top.name(), top.dtype(), spectrum, ranks, null, null, warnings);
    }

    /** Off-heap bytes {@link #analyze} holds for {@code ref} (the float32 matrix and the iteration's panels). */
    public static long offHeapBytes(MatrixRef ref) {
        return TopValuesFromSource.offHeapBytes(ref, PARAMS);
    }

    /** True when {@code a}'s spectrum is an approximate top-k (the front ends mark it "≈"). */
    public static boolean isApproximate(MatrixAnalysis a) {
        return a != null && a.spectrum().approximate();
    }

    /**
     * True when {@code a} is approximate but its Frobenius-based metrics (‖A‖_F, stable rank,
     * log-norm) were computed from the data, so they may be shown (marked "≈" since σ̂₁ is a
     * lower bound).
     */
    public static boolean hasExactFrobenius(MatrixAnalysis a) {
        return a != null && a.warnings().contains(EXACT_FROBENIUS_NOTE);
    }

    /**
     * Whether the metric {@code field} (snake_case, e.g. {@code "stable_rank"}) of {@code a} is
     * meaningful: always for an exact analysis; for a top-k one only {@link #TOP_K_FIELDS}, and
     * {@link #FROBENIUS_FIELDS} when {@link #hasExactFrobenius}.
     */
    public static boolean honest(MatrixAnalysis a, String field) {
        if (!isApproximate(a)) {
            return true;
        }
        return TOP_K_FIELDS.contains(field) || (FROBENIUS_FIELDS.contains(field) && hasExactFrobenius(a));
    }
}
