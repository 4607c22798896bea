package dev.rankscope.application.job;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.engine.tensor.ChangedFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One matrix (or compared pair) a job could not analyse; the job goes on with the others and
 * lists it in its result. Every front end words it with {@link #describe()}.
 *
 * @param id     the matrix id (or the intruder pair's name)
 * @param reason the one-sentence user message of the domain exception
 */
public record MatrixFailure(String id, String reason) {
    public MatrixFailure {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(reason, "reason");
    }

    /**
     * {@code "failed: <id>: <reason>"}, or {@code "failed: <reason>"} when the reason already
     * names the matrix (e.g. the memory watchdog's "matrix … needs about …"), so that the id
     * stands once in the line.
     */
    public String describe() {
        boolean named = Pattern.compile("(^|[\\s'\"(])" + Pattern.quote(id) + "($|[\\s'\"),:;])").matcher(reason).find();
        return "failed: " + (named ? reason : id + ": " + reason);
    }

    /**
     * The failures an {@link AnalysisCollector} gathered, in report order — except that the
     * matrices of a file that changed during the run ({@link CheckpointFormatException.Category#CHANGED})
     * become one failure naming the file and how many matrices it cost, listed last.
     */
    public static List<MatrixFailure> ofAnalysis(List<AnalysisCollector.Failure> failures) {
        List<MatrixFailure> out = new ArrayList<>();
        ChangedFiles changed = new ChangedFiles();
        for (AnalysisCollector.Failure f : failures) {
            if (!changed.offer(f.error())) {
                out.add(new MatrixFailure(f.ref().id(), f.error().userMessage()));
            }
        }
        changed.lines("matrix", "matrices").forEach(l -> out.add(new MatrixFailure(l.fileName(), l.message())));
        return out;
    }

    /** The pairs of an intruder comparison that failed. */
    public static List<MatrixFailure> ofIntruders(IntruderReport report) {
        return report.failures().stream().map(f -> new MatrixFailure(f.name(), f.message())).toList();
    }
}
