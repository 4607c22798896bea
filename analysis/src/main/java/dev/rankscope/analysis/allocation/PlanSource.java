package dev.rankscope.analysis.allocation;

import java.util.Objects;

/**
 * The checkpoint a plan was made for (SPEC §5 {@code "source"}).
 *
 * @param path        the file or folder as the user opened it ("" when unknown)
 * @param headerSha256 hex SHA-256 of the checkpoint header ("" when unknown)
 * @param tensorCount tensors in the checkpoint (0 when unknown)
 */
public record PlanSource(String path, String headerSha256, int tensorCount) {
    public PlanSource {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(headerSha256, "headerSha256");
        if (tensorCount < 0) {
            throw new IllegalArgumentException("tensor count must be ≥ 0");
        }
    }

    public static PlanSource unknown() {
        return new PlanSource("", "", 0);
    }
}
