package dev.rankscope.application.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The long table while a sweep fills it: rows in the order they were added, found by
 * (checkpoint index, matrix id) so update and intruder results can be written into them
 * ({@link SweepPairs#record}). Used by the local sweep and the Spark driver. Not thread-safe.
 */
public final class SweepRows {
    private final List<SweepRow> rows = new ArrayList<>();
    private final Map<Integer, Map<String, Integer>> index = new HashMap<>();

    /** Appends {@code row}. */
    public void add(SweepRow row) {
        index.computeIfAbsent(row.checkpointIndex(), k -> new HashMap<>()).put(row.matrix(), rows.size());
        rows.add(row);
    }

    /** The row of {@code matrix} in checkpoint {@code checkpointIndex}, or null. */
    public SweepRow get(int checkpointIndex, String matrix) {
        Integer i = index.getOrDefault(checkpointIndex, Map.of()).get(matrix);
        return i == null ? null : rows.get(i);
    }

    /** Whether that row exists and its matrix was analysed. */
    public boolean ok(int checkpointIndex, String matrix) {
        SweepRow r = get(checkpointIndex, matrix);
        return r != null && r.ok();
    }

    /** Replaces the row with the same checkpoint index and matrix as {@code row}. */
    public void set(SweepRow row) {
        Integer i = index.getOrDefault(row.checkpointIndex(), Map.of()).get(row.matrix());
        if (i == null) {
            throw new IllegalArgumentException("no row for " + row.checkpoint() + " " + row.matrix());
        }
        rows.set(i, row);
    }

    /** The rows, in the order added. */
    public List<SweepRow> list() {
        return List.copyOf(rows);
    }
}
