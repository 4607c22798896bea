package dev.rankscope.application.analyze;

import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.application.job.MatrixFailure;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one analysis run produced. Immutable.
 *
 * @param analysis  every selected matrix that could be analysed, in listing order, failures listed
 * @param listing   the checkpoint's matrix listing (model facts, notes), or null when the caller listed
 * @param selected  how many matrices were selected
 * @param fromCache how many spectra came from the on-disk cache
 * @param seconds   wall time of cache replay plus computation
 * @param failures  the selected matrices that could not be analysed
 * @param written   the files written, in order
 */
public record AnalyzeResult(CheckpointAnalysis analysis, MatrixListing listing, int selected, int fromCache,
                            double seconds, List<MatrixFailure> failures, List<Path> written) {
    public AnalyzeResult {
        Objects.requireNonNull(analysis, "analysis");
        failures = List.copyOf(failures);
        written = List.copyOf(written);
    }

    AnalyzeResult(CheckpointAnalysis analysis, int selected, int fromCache, double seconds,
                  List<MatrixFailure> failures, List<Path> written) {
        this(analysis, null, selected, fromCache, seconds, failures, written);
    }

    AnalyzeResult with(MatrixListing newListing, List<Path> newWritten) {
        return new AnalyzeResult(analysis, newListing, selected, fromCache, seconds, failures, newWritten);
    }
}
