package dev.rankscope.application.intruders;

import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.analysis.intruders.MitigatedCheckpoint;
import dev.rankscope.application.job.MatrixFailure;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one intruder comparison produced. Immutable.
 *
 * @param report    every compared pair, the pairing's mismatches and failures
 * @param failures  the pairs that could not be compared
 * @param mitigated the mitigated checkpoint written, or null
 * @param written   the files written, in order
 */
public record IntrudersResult(IntruderReport report, List<MatrixFailure> failures, MitigatedCheckpoint.Result mitigated,
                              List<Path> written) {
    public IntrudersResult {
        Objects.requireNonNull(report, "report");
        failures = List.copyOf(failures);
        written = List.copyOf(written);
    }
}
