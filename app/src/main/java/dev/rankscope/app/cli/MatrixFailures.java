package dev.rankscope.app.cli;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.engine.tensor.CheckpointFormatException;

import java.io.PrintWriter;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The matrices a CLI run could not analyse, and the exit-code rule every command that analyses
 * matrices shares ({@code analyze}, {@code plan}, {@code report}, {@code intruders}): a failed
 * matrix does not stop the others; each is reported exactly once on stderr with its reason, the
 * outputs hold the matrices that succeeded, and the run ends with
 * {@link RankscopeCli#EXIT_FAILED_MATRICES} — or {@link RankscopeCli#EXIT_BAD_INPUT} when not
 * one matrix could be analysed.
 *
 * @param succeeded how many matrices were analysed
 * @param failures  the others, in report order
 */
record MatrixFailures(int succeeded, List<Failure> failures) {

    /**
     * One matrix that could not be analysed.
     *
     * @param id     the matrix id (or the intruder pair's name)
     * @param reason the one-sentence user message of the domain exception
     */
    record Failure(String id, String reason) {
        /**
         * {@code "failed: <id>: <reason>"}, or {@code "failed: <reason>"} when the reason already
         * names the matrix (e.g. the memory watchdog's "matrix … needs about …"), so that the id
         * stands once in the line.
         */
        String describe() {
            boolean named = Pattern.compile("(^|[\\s'\"(])" + Pattern.quote(id) + "($|[\\s'\"),:;])").matcher(reason).find();
            return "failed: " + (named ? reason : id + ": " + reason);
        }
    }

    MatrixFailures {
        if (succeeded < 0) {
            throw new IllegalArgumentException("succeeded must be ≥ 0");
        }
        failures = List.copyOf(failures);
    }

    /** No failure (e.g. nothing was analysed). */
    static final MatrixFailures NONE = new MatrixFailures(0, List.of());

    /** The failures an {@link AnalysisCollector} gathered, next to {@code succeeded} analysed matrices. */
    static MatrixFailures ofAnalysis(int succeeded, List<AnalysisCollector.Failure> failures) {
        List<Failure> out = new java.util.ArrayList<>();
        java.util.Map<java.nio.file.Path, int[]> changed = new java.util.LinkedHashMap<>();
        java.util.Map<java.nio.file.Path, String> changedMessage = new java.util.HashMap<>();
        for (AnalysisCollector.Failure f : failures) {
            if (f.error() instanceof CheckpointFormatException cfe && cfe.category() == CheckpointFormatException.Category.CHANGED) {
                if (changed.computeIfAbsent(cfe.file(), k -> new int[1])[0]++ == 0) {
                    changedMessage.put(cfe.file(), cfe.userMessage());
                }
            } else {
                out.add(new Failure(f.ref().id(), f.error().userMessage()));
            }
        }
        // a file that changed during the run is named once, with how many matrices it cost
        changed.forEach((file, n) -> out.add(new Failure(String.valueOf(file.getFileName()),
                changedMessage.get(file) + " (" + n[0] + (n[0] == 1 ? " matrix)" : " matrices)"))));
        return new MatrixFailures(succeeded, out);
    }

    /** The pairs of an intruder comparison that failed, next to those that were compared. */
    static MatrixFailures ofIntruders(IntruderReport report) {
        return new MatrixFailures(report.matrices().size(), report.failures().stream()
                .map(f -> new Failure(f.name(), f.message())).toList());
    }

    /** Prints one {@code "rankscope: failed: …"} line per failed matrix (also with {@code --quiet}). */
    void print(PrintWriter err) {
        for (Failure f : failures) {
            err.println("rankscope: " + f.describe());
        }
    }

    /** 0 without failures; 1 when some matrices failed and others were analysed; 2 when all failed. */
    int exitCode() {
        if (failures.isEmpty()) {
            return 0;
        }
        return succeeded == 0 ? RankscopeCli.EXIT_BAD_INPUT : RankscopeCli.EXIT_FAILED_MATRICES;
    }

    /** The more severe of two exit codes (2 bad input over 1 failed matrices over 0). */
    static int worst(int a, int b) {
        return Math.max(a, b);
    }
}
