package dev.rankscope.analysis.report;

/**
 * Which checkpoint an analysis describes (JSON {@code "source"}).
 *
 * @param path         the file or folder as the user gave it
 * @param format       {@code TensorSource.format()}, e.g. {@code safetensors}
 * @param headerSha256 hex SHA-256 of the header bytes, or null when not computed
 * @param tensorCount  tensors in the checkpoint
 * @param matrixCount  analysable matrices (SPEC §7), including expert slices
 */
public record SourceInfo(String path, String format, String headerSha256, int tensorCount, int matrixCount) {
    public SourceInfo {
        if (path == null || format == null) {
            throw new IllegalArgumentException("path and format are required");
        }
        if (tensorCount < 0 || matrixCount < 0) {
            throw new IllegalArgumentException("counts must be ≥ 0");
        }
    }
}
