package dev.rankscope.application.sweep;

/**
 * One checkpoint of a series, in series order (SPEC §10). Immutable.
 *
 * @param index position in the series (0 = first, the reference for "vs first" updates and intruders)
 * @param path  the checkpoint as given (a local path for the local sweep, a Hadoop URI for Spark)
 * @param label the name the step was parsed from (file or folder name), used in tables and file names
 * @param step  the parsed step, or null when the name holds none
 */
public record SeriesMember(int index, String path, String label, Long step) {
    public SeriesMember {
        if (index < 0 || path == null || path.isBlank() || label == null) {
            throw new IllegalArgumentException("a series member needs an index ≥ 0, a path and a label");
        }
    }

    /** {@code NNN-label} with characters unsafe in file names replaced: the per-checkpoint JSON's base name. */
    public String fileStem() {
        return String.format(java.util.Locale.ROOT, "%03d-%s", index, label.replaceAll("[^A-Za-z0-9._-]", "_"));
    }
}
