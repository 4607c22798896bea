package dev.rankscope.spark;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.application.sweep.SweepPairs;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MemoryBudget;
import dev.rankscope.engine.tensor.TensorSource;
import org.apache.hadoop.conf.Configuration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The executor side of the Spark sweep's pairwise part: computes one partition's (checkpoint pair,
 * matrix) units — update spectra and intruder counts — with the local sweep's own code
 * ({@link SweepPairs#compute}, {@link SweepPairs#need}), reading both matrices through
 * {@link SparkCheckpoints}. Each checkpoint pair is opened once per partition; both checkpoints'
 * identities are compared with the driver's listing before any read and after each unit, so a
 * file that changed fails the pair ({@link PairResult#wholePair()}) instead of mixing versions.
 * A unit never throws: engine errors, memory refusals and {@link OutOfMemoryError} become failed
 * outcomes with their reason.
 */
final class PairWorker {

    private PairWorker() {
    }

    /** Computes every unit of one partition; {@code k}, {@code epsilon} as the sweep's intruder parameters. */
    static List<PairResult> compute(List<WorkUnit> units, Map<String, String> hadoopConf, int k, double epsilon) {
        Configuration conf = SpectrumWorker.configuration(hadoopConf);
        IntruderParameters intruders = new IntruderParameters(k, epsilon);
        Map<String, List<WorkUnit>> byPair = new LinkedHashMap<>();
        units.forEach(u -> byPair.computeIfAbsent(u.base().uri() + "\n" + u.target().uri(), x -> new ArrayList<>()).add(u));
        List<PairResult> out = new ArrayList<>();
        for (List<WorkUnit> group : byPair.values()) {
            out.addAll(computePair(group, conf, intruders));
        }
        return out;
    }

    private static List<PairResult> computePair(List<WorkUnit> units, Configuration conf, IntruderParameters intruders) {
        WorkUnit first = units.get(0);
        List<PairResult> out = new ArrayList<>();
        TensorSource sa = null;
        TensorSource sb = null;
        try {
            sa = SparkCheckpoints.open(first.base().uri(), conf);
            sb = SparkCheckpoints.open(first.target().uri(), conf);
            String changed = changed(first, sa, sb);
            if (changed != null) {
                units.forEach(u -> out.add(wholePair(u, SweepPairs.changed(changed))));
                return out;
            }
            Map<String, MatrixRef> ra = SpectrumWorker.listing(sa);
            Map<String, MatrixRef> rb = SpectrumWorker.listing(sb);
            Map<String, MatrixName> names = new HashMap<>();
            NameParser.parseAll(List.copyOf(rb.keySet())).forEach(n -> names.put(n.id(), n));
            for (WorkUnit u : units) {
                out.add(computeOne(u, sa, sb, ra.get(u.matrix()), rb.get(u.matrix()), names.get(u.matrix()), intruders));
            }
        } catch (RankscopeException e) {
            units.stream().skip(out.size()).forEach(u -> out.add(wholePair(u, e.userMessage())));
        } finally {
            if (sa != null) {
                sa.close();
            }
            if (sb != null) {
                sb.close();
            }
        }
        return out;
    }

    private static PairResult computeOne(WorkUnit u, TensorSource sa, TensorSource sb, MatrixRef ra, MatrixRef rb,
                                         MatrixName name, IntruderParameters intruders) {
        if (ra == null || rb == null || ra.rows() != u.rows() || ra.cols() != u.cols() || rb.rows() != u.rows() || rb.cols() != u.cols()) {
            return wholePair(u, "a checkpoint " + SpectrumWorker.CHANGED + " (the matrix is no longer listed with this shape)");
        }
        SvdBackend backend = SpectrumWorker.backend();
        MemoryBudget memory = SpectrumWorker.memory();
        MemoryBudget.Need need = SweepPairs.need(u.pair(), rb);
        SweepPairs.Outcome outcome;
        try {
            memory.acquire(rb, need, () -> false);
            try {
                outcome = SweepPairs.compute(u.pair(), backend, name, MatrixReader.read(sa, ra), MatrixReader.read(sb, rb), intruders);
            } finally {
                memory.release(need);
            }
        } catch (RankscopeException e) {
            outcome = SweepPairs.Outcome.failed(e.userMessage());
        } catch (OutOfMemoryError e) {
            outcome = SweepPairs.Outcome.failed("not enough memory for matrix " + u.matrix() + " (" + u.rows() + "×" + u.cols() + ")");
        }
        if (!SparkCheckpoints.identityNow(sa).equals(sa.identity()) || !SparkCheckpoints.identityNow(sb).equals(sb.identity())) {
            return wholePair(u, "a checkpoint " + SpectrumWorker.CHANGED);
        }
        return new PairResult(u, outcome, false);
    }

    /** The label of the checkpoint whose files differ from the driver's listing, or null. */
    private static String changed(WorkUnit u, TensorSource sa, TensorSource sb) {
        if (!SparkCheckpoints.identity(u.base().uri(), sa).equals(u.base().identity())) {
            return u.base().label();
        }
        if (!SparkCheckpoints.identity(u.target().uri(), sb).equals(u.target().identity())) {
            return u.target().label();
        }
        return null;
    }

    private static PairResult wholePair(WorkUnit u, String reason) {
        return new PairResult(u, SweepPairs.Outcome.failed(reason), true);
    }
}
