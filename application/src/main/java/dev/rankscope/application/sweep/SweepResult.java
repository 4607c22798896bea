package dev.rankscope.application.sweep;

import java.util.List;

/**
 * What a sweep produced. Immutable.
 *
 * @param series           the checkpoints in series order
 * @param rows             the long table: one row per checkpoint × matrix (failed matrices included, with their reason)
 * @param unmatched        matrices that are not compared across the series (missing from a checkpoint,
 *                         or of another shape than in the first), one line each
 * @param failures         checkpoints, matrices, updates or intruder counts that could not be computed, one line each
 * @param notes            remarks (order, cache use, recomputations)
 * @param spectraComputed  spectra computed by this run
 * @param spectraFromCache spectra replayed from the spectrum cache
 * @param written          files written, in order
 */
public record SweepResult(List<SeriesMember> series, List<SweepRow> rows, List<String> unmatched, List<String> failures,
                          List<String> notes, int spectraComputed, int spectraFromCache, List<String> written) {
    public SweepResult {
        series = List.copyOf(series);
        rows = List.copyOf(rows);
        unmatched = List.copyOf(unmatched);
        failures = List.copyOf(failures);
        notes = List.copyOf(notes);
        written = List.copyOf(written);
    }

    /** True when at least one matrix of one checkpoint was analysed. */
    public boolean anyAnalysed() {
        return rows.stream().anyMatch(SweepRow::ok);
    }
}
