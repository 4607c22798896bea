package dev.rankscope.application.sweep;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the user opened as a series (issue 17 item 1, workbench File ▸ Open Series…), resolved to
 * either checkpoints in series order (SPEC §10, {@link SeriesOrder}) or the output folder of
 * {@code rankscope sweep} (its {@code series.json} and {@code sweep.csv}, read by
 * {@link SweepOutputReader}). The rule, in order:
 * <ul>
 *   <li>one folder holding {@code series.json}: a sweep's output folder;</li>
 *   <li>one folder otherwise: its sub-folders and checkpoint files ({@link #CHECKPOINT_EXTENSIONS})
 *       are the checkpoints, ordered by step (a folder with a shard index is one sharded
 *       checkpoint, not a series, and is refused);</li>
 *   <li>one file that is no checkpoint ({@code .txt}, {@code .list}…): a list file, its order kept;</li>
 *   <li>several paths: each is a checkpoint, ordered by step.</li>
 * </ul>
 * Reads folder listings only (no checkpoint is opened). Immutable.
 *
 * @param order       the checkpoints in series order with the order's notes, or null for a sweep output
 * @param sweepOutput the sweep output folder, or null for checkpoints
 * @param name        what the user opened, for titles and messages (a folder or file name, or "N checkpoints")
 */
public record SeriesInput(SeriesOrder.Ordered order, Path sweepOutput, String name) {
    /** File name endings read as one checkpoint each when a folder is opened as a series. */
    public static final Set<String> CHECKPOINT_EXTENSIONS = Set.of(".safetensors", ".bin", ".pt", ".pth", ".gguf",
            ".onnx", ".npz", ".npy");

    public SeriesInput {
        if ((order == null) == (sweepOutput == null)) {
            throw new IllegalArgumentException("a series input is either checkpoints or a sweep output");
        }
    }

    /** True when this is the output folder of {@code rankscope sweep}. */
    public boolean isSweepOutput() {
        return sweepOutput != null;
    }

    /**
     * Resolves {@code chosen} by the class rule.
     *
     * @throws IllegalArgumentException with one sentence naming the path when nothing usable was chosen
     */
    public static SeriesInput of(List<Path> chosen) {
        if (chosen == null || chosen.isEmpty()) {
            throw new IllegalArgumentException("choose a folder of checkpoints, several checkpoints or a list file");
        }
        if (chosen.size() > 1) {
            return new SeriesInput(SeriesOrder.byStep(chosen.stream().map(Path::toString).toList()), null,
                    chosen.size() + " checkpoints");
        }
        Path one = chosen.get(0);
        String name = one.getFileName() == null ? one.toString() : one.getFileName().toString();
        if (!Files.exists(one)) {
            throw new IllegalArgumentException(name + ": file or folder not found");
        }
        if (Files.isDirectory(one)) {
            if (Files.isRegularFile(one.resolve("series.json"))) {
                return new SeriesInput(null, one, name);
            }
            return new SeriesInput(SeriesOrder.byStep(children(one, name)), null, name);
        }
        if (isCheckpointFile(one)) {
            throw new IllegalArgumentException(name + " is one checkpoint; a series needs a folder of checkpoints, "
                    + "several checkpoints or a list file");
        }
        return new SeriesInput(SeriesOrder.fromListFile(one), null, name);
    }

    private static List<String> children(Path folder, String name) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> list = Files.list(folder)) {
            for (Path p : list.sorted().toList()) {
                String file = p.getFileName().toString();
                if (file.startsWith(".")) {
                    continue;
                }
                if (file.endsWith(".index.json")) {
                    throw new IllegalArgumentException(name + " is one sharded checkpoint (" + file
                            + "), not a series; choose the folder that holds the checkpoints");
                }
                if (Files.isDirectory(p) || isCheckpointFile(p)) {
                    out.add(p.toString());
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": folder cannot be read (" + e.getMessage() + ")");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(name + " holds no checkpoint folders or files to open as a series");
        }
        return out;
    }

    private static boolean isCheckpointFile(Path p) {
        String file = p.getFileName().toString().toLowerCase(Locale.ROOT);
        return CHECKPOINT_EXTENSIONS.stream().anyMatch(file::endsWith);
    }
}
