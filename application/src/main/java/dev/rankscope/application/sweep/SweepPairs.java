package dev.rankscope.application.sweep;

import dev.rankscope.analysis.intruders.IntruderAnalyzer;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The pairwise part of a sweep: update spectra ΔW = W_b − W_a (SPEC §10) and intruder counts of a
 * checkpoint against the first (SPEC §3). Says which checkpoint pairs the parameters ask for, which
 * matrices of a pair are compared, what one (pair, matrix) needs in memory, how it is computed and
 * how its outcome enters the table. The local {@link SweepTask} and the Spark job both go through
 * it, so they compute and record exactly the same thing. Stateless; thread-safe.
 */
public final class SweepPairs {

    /** What is computed for a pair. */
    public enum Kind {
        /** ΔW = W_b − W_a: relative norm, effective rank, stable rank, r(0.90). */
        UPDATE("update"),
        /** Intruder dimensions of b against a (the first checkpoint). */
        INTRUDERS("intruders");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** {@code update} or {@code intruders}, as messages name it. */
        public String label() {
            return label;
        }
    }

    /**
     * One pair of checkpoints (series indices), base before target.
     *
     * @param kind   what is computed
     * @param base   the checkpoint W_a comes from (the previous one, or the first)
     * @param target the checkpoint W_b comes from; its rows receive the result
     */
    public record Pair(Kind kind, int base, int target) implements Serializable {
    }

    /**
     * The outcome of one (pair, matrix): exactly one of the three is set. Serializable (Spark
     * executors send it back).
     *
     * @param update    the update metrics (kind UPDATE)
     * @param intruders the intruder count (kind INTRUDERS)
     * @param failure   why there is neither
     */
    public record Outcome(UpdateMetrics update, Integer intruders, String failure) implements Serializable {
        /** A failed outcome. */
        public static Outcome failed(String reason) {
            return new Outcome(null, null, reason);
        }

        /** True when computed. */
        public boolean ok() {
            return failure == null;
        }
    }

    private SweepPairs() {
    }

    /** The sentence for a checkpoint whose file identity changed since its analysis. */
    public static String changed(String label) {
        return label + " changed during the sweep";
    }

    /**
     * The checkpoint pairs {@code params} ask for in a series of {@code members}: for each
     * checkpoint after the first, its update (against the previous one or the first) and its
     * intruder count against the first.
     */
    public static List<Pair> pairs(SweepParameters params, int members) {
        List<Pair> out = new ArrayList<>();
        for (int b = 1; b < members; b++) {
            if (params.updates() != SweepParameters.Updates.NONE) {
                out.add(new Pair(Kind.UPDATE, params.updates() == SweepParameters.Updates.CONSECUTIVE ? b - 1 : 0, b));
            }
            if (params.intrudersVsFirst()) {
                out.add(new Pair(Kind.INTRUDERS, 0, b));
            }
        }
        return out;
    }

    /**
     * The matrices of {@code pair} to compute: listed in both checkpoints with the same shape
     * ({@link SeriesMatching#comparable}), analysed in both, and not pooled convolutions.
     *
     * @param targetRefs the target checkpoint's listing by id
     */
    public static List<String> matrices(SeriesMatching matching, Pair pair, SweepRows rows, Map<String, MatrixRef> targetRefs) {
        return matching.comparable(pair.base(), pair.target()).stream()
                .filter(id -> rows.ok(pair.base(), id) && rows.ok(pair.target(), id))
                .filter(id -> !targetRefs.get(id).isPooled())
                .toList();
    }

    /** Memory one (pair, matrix) claims before it reads: the update's SVD, or two SVDs with vectors. */
    public static MemoryBudget.Need need(Kind kind, MatrixRef ref) {
        long mn = ref.numel();
        long p = ref.minDim();
        return kind == Kind.INTRUDERS
                ? new MemoryBudget.Need(8 * (3 * mn + 2 * (ref.rows() * p + p * ref.cols())), 8 * (mn + ref.rows() * p + p * ref.cols()), "two SVDs with vectors")
                : new MemoryBudget.Need(8 * 3 * mn, 8 * mn, "the SVD of an update");
    }

    /**
     * Computes one (pair, matrix) from the two matrices (W_a of the base, W_b of the target).
     * An engine failure becomes a failed outcome; nothing is thrown but errors.
     */
    public static Outcome compute(Kind kind, SvdBackend backend, MatrixName name, Matrix wa, Matrix wb,
                                  IntruderParameters intruders) {
        try {
            if (kind == Kind.INTRUDERS) {
                return new Outcome(null, new IntruderAnalyzer(backend).analyze(name, wa, wb).intruderCount(intruders), null);
            }
            return new Outcome(update(backend, wa, wb), null, null);
        } catch (RankscopeException e) {
            return Outcome.failed(e.userMessage());
        }
    }

    /** The update metrics of ΔW = W_b − W_a (SPEC §10). */
    public static UpdateMetrics update(SvdBackend backend, Matrix wa, Matrix wb) {
        double[] x = wa.data();
        double[] y = wb.data();
        double[] delta = new double[x.length];
        double base = 0;
        for (int i = 0; i < x.length; i++) {
            delta[i] = y[i] - x[i];
            base += x[i] * x[i];
        }
        double[] sigma = backend.singularValues(new Matrix(wa.rows(), wa.cols(), delta), SvdBackend.Tolerance.DEFAULT).sigma();
        return UpdateMetrics.of(sigma, Math.sqrt(base), wa.rows(), wa.cols());
    }

    /**
     * Writes the outcomes of one pair into the target's rows: update metrics (or the reason there
     * are none) into the update columns, an intruder count into its column; each failed matrix is
     * one line {@code "<target>: <matrix>: <kind>: <reason>"} in {@code failures}.
     */
    public static void record(Pair pair, SeriesMember base, SeriesMember target, Map<String, Outcome> outcomes,
                              SweepRows rows, List<String> failures) {
        for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
            SweepRow row = rows.get(target.index(), e.getKey());
            Outcome o = e.getValue();
            if (!o.ok()) {
                failures.add(target.label() + ": " + e.getKey() + ": " + pair.kind().label() + ": " + o.failure());
                if (pair.kind() == Kind.UPDATE) {
                    rows.set(row.withUpdate(base.label(), null, o.failure()));
                }
            } else if (pair.kind() == Kind.INTRUDERS) {
                rows.set(row.withIntruders(o.intruders()));
            } else {
                rows.set(row.withUpdate(base.label(), o.update(), null));
            }
        }
    }

    /**
     * Records a pair that could not be computed at all (a checkpoint changed or cannot be read):
     * one line {@code "<target> vs <base>: <kind> not computed: <reason>"}, and the reason in the
     * update column of every matrix of the pair.
     */
    public static void recordFailure(Pair pair, SeriesMember base, SeriesMember target, List<String> ids, String reason,
                                     SweepRows rows, List<String> failures) {
        String why = pair.kind().label() + " not computed: " + reason;
        failures.add(target.label() + " vs " + base.label() + ": " + why);
        if (pair.kind() == Kind.UPDATE) {
            for (String id : ids) {
                rows.set(rows.get(target.index(), id).withUpdate(base.label(), null, why));
            }
        }
    }
}
