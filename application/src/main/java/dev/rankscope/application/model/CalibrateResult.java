package dev.rankscope.application.model;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link CalibrateJob} wrote.
 *
 * @param out        the statistics file
 * @param modules    linear modules with statistics, in model order
 * @param tokens     calibration tokens that went through the model
 * @param windows    windows of {@code seqLen} tokens (the last may be shorter)
 * @param textSha256 SHA-256 of the calibration text
 * @param seqLen     window length used
 * @param seconds    wall time of the run
 */
public record CalibrateResult(Path out, List<String> modules, long tokens, int windows, String textSha256, int seqLen,
                              double seconds) {
    public CalibrateResult {
        modules = List.copyOf(modules);
    }
}
