package dev.rankscope.app.cli;

import dev.rankscope.application.job.MatrixFailure;
import dev.rankscope.analysis.intruders.IntruderReport;

import java.io.PrintWriter;
import java.util.List;

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
record MatrixFailures(int succeeded, List<MatrixFailure> failures) {

    MatrixFailures {
        if (succeeded < 0) {
            throw new IllegalArgumentException("succeeded must be ≥ 0");
        }
        failures = List.copyOf(failures);
    }

    /** No failure (e.g. nothing was analysed). */
    static final MatrixFailures NONE = new MatrixFailures(0, List.of());

    /** {@code failures} next to {@code succeeded} analysed matrices (or compared pairs). */
    static MatrixFailures of(int succeeded, List<MatrixFailure> failures) {
        return new MatrixFailures(succeeded, failures);
    }

    /** The pairs of an intruder comparison that failed, next to those that were compared. */
    static MatrixFailures ofIntruders(IntruderReport report) {
        return new MatrixFailures(report.matrices().size(), MatrixFailure.ofIntruders(report));
    }

    /** Prints one {@code "rankscope: failed: …"} line per failed matrix (also with {@code --quiet}). */
    void print(PrintWriter err) {
        for (MatrixFailure f : failures) {
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
