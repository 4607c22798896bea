package dev.rankscope.engine.tensor;

import dev.rankscope.engine.RankscopeException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects the failures caused by a checkpoint file that changed during a run
 * ({@link CheckpointFormatException.Category#CHANGED}, raised by {@link TensorSource#verifyUnchanged})
 * so that each changed file is reported in one line naming it and how many items it cost, instead
 * of one line per matrix. Used by every job that reads matrices (analysis, intruders).
 * Not thread-safe: callers collect on one thread or synchronise.
 */
public final class ChangedFiles {
    /** One changed file: its name and the sentence with the count, e.g. {@code "… (3 matrices)"}. */
    public record Line(String fileName, String message) { }

    private final Map<Path, Integer> counts = new LinkedHashMap<>();
    private final Map<Path, String> messages = new LinkedHashMap<>();

    /**
     * Records {@code error} when it says a file changed.
     *
     * @return true when recorded (the caller reports nothing for it), false for any other failure
     */
    public boolean offer(RankscopeException error) {
        if (error instanceof CheckpointFormatException cfe && cfe.category() == CheckpointFormatException.Category.CHANGED) {
            counts.merge(cfe.file(), 1, Integer::sum);
            messages.putIfAbsent(cfe.file(), cfe.userMessage());
            return true;
        }
        return false;
    }

    /**
     * One line per changed file, in the order they were first seen.
     *
     * @param one  the unit for a count of 1 ("matrix", "matrix pair")
     * @param many the unit for other counts ("matrices", "matrix pairs")
     */
    public List<Line> lines(String one, String many) {
        List<Line> out = new ArrayList<>();
        counts.forEach((file, n) -> out.add(new Line(String.valueOf(file.getFileName()),
                messages.get(file) + " (" + n + " " + (n == 1 ? one : many) + ")")));
        return out;
    }
}
