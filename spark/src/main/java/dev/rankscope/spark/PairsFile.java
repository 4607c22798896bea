package dev.rankscope.spark;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.job.JobJson;
import dev.rankscope.application.sweep.SweepPairs;
import dev.rankscope.application.sweep.UpdateMetrics;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What lets a re-run of the Spark sweep skip updates and intruder counts already computed:
 * {@code checkpoints/NNN-label.pairs.json} beside the target checkpoint's analysis,
 * {@code {"format":"rankscope-sweep-pairs","version":1,"done":{key: outcome}}}. A key names the
 * kind, both checkpoints' identities ({@link SparkCheckpoints#identity}), the intruder parameters
 * (for intruder counts) and the matrix, so an outcome is reused only for exactly the same inputs.
 * Only computed outcomes with finite numbers are kept (JSON has no NaN); failures are retried.
 */
final class PairsFile {
    /** Name suffix after {@code NNN-label}. */
    static final String SUFFIX = ".pairs.json";
    private static final String FORMAT = "rankscope-sweep-pairs";

    /** The file's JSON shape. */
    record Doc(String format, int version, Map<String, SweepPairs.Outcome> done) {
    }

    private PairsFile() {
    }

    /** The key of one (pair, matrix) for the given checkpoint identities. */
    static String key(SweepPairs.Pair pair, String baseIdentity, String targetIdentity, IntruderParameters intruders, String matrix) {
        String params = pair.kind() == SweepPairs.Kind.INTRUDERS
                ? String.format(Locale.ROOT, "k=%d eps=%s", intruders.k(), Double.toString(intruders.epsilon())) : "";
        return String.join("\n", pair.kind().name(), baseIdentity, targetIdentity, params, matrix);
    }

    /** Whether {@code o} may be recorded: computed, with finite numbers. */
    static boolean keepable(SweepPairs.Outcome o) {
        if (!o.ok()) {
            return false;
        }
        UpdateMetrics u = o.update();
        return u == null || Double.isFinite(u.relativeNorm()) && Double.isFinite(u.effectiveRank()) && Double.isFinite(u.stableRank());
    }

    /** The outcomes a previous run recorded in {@code file}; empty when there is none or it cannot be read (recomputed, never trusted). */
    static Map<String, SweepPairs.Outcome> read(FileSystem fs, Path file) {
        try {
            if (!fs.exists(file)) {
                return Map.of();
            }
            Doc doc = JobJson.read(SparkSweep.readText(fs, file), Doc.class);
            if (!FORMAT.equals(doc.format()) || doc.version() != 1 || doc.done() == null) {
                return Map.of();
            }
            Map<String, SweepPairs.Outcome> out = new LinkedHashMap<>();
            doc.done().forEach((k, o) -> {
                if (o != null && keepable(o) && (o.update() != null) != (o.intruders() != null)) {
                    out.put(k, o);
                }
            });
            return out;
        } catch (IOException | RuntimeException e) {
            return Map.of();
        }
    }

    /** The text of a pairs file holding {@code done}. */
    static String json(Map<String, SweepPairs.Outcome> done) {
        return JobJson.write(new Doc(FORMAT, 1, done));
    }
}
