package dev.rankscope.engine.io;

import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The one rule for every file Rankscope writes (CLI exports, the workbench's plan, mitigation,
 * report and picture exports): never onto an input file and never into an input folder. The
 * inputs of a run are every path the user named (a checkpoint file or folder, a plan JSON, a base,
 * an adapter folder, statistics) and every file an opened {@link TensorSource} reads (the shards
 * of a sharded checkpoint). {@link AtomicFileWriter#checkAllowed} applies the rule and words the
 * refusal; this class only gathers the inputs, so every writer refuses with the same sentence.
 *
 * <p>Pure; the writers it returns are immutable and thread-safe.
 */
public final class ProtectedInputs {
    private ProtectedInputs() {
    }

    /** The inputs of {@code source}: the path the user opened and every file it reads. */
    public static List<Path> of(TensorSource source) {
        List<Path> inputs = new ArrayList<>(source.files());
        inputs.add(source.path());
        return inputs;
    }

    /**
     * A writer refusing to write onto or into any of {@code inputs} (null entries skipped, so an
     * option not given can be passed as is). Files are listed before folders, so a target that is
     * an input file inside an input folder is refused as the file it is, with the same sentence
     * whatever order the caller gathered its inputs in. Looks at the file system (call off the FX
     * thread).
     */
    public static AtomicFileWriter writer(Collection<Path> inputs) {
        Set<Path> files = new LinkedHashSet<>();
        Set<Path> folders = new LinkedHashSet<>();
        for (Path p : inputs) {
            if (p != null) {
                (Files.isDirectory(p) ? folders : files).add(p);
            }
        }
        List<Path> ordered = new ArrayList<>(files);
        ordered.addAll(folders);
        return new AtomicFileWriter(ordered);
    }

    /** {@code writer} also refusing {@code more} inputs (null entries skipped). */
    public static AtomicFileWriter adding(AtomicFileWriter writer, Path... more) {
        List<Path> inputs = new ArrayList<>(writer.protectedInputs());
        inputs.addAll(java.util.Arrays.asList(more));
        return writer(inputs);
    }

    /**
     * A writer for {@code inputs} that has already checked every requested target (null entries:
     * options not given), so a run aimed at an input fails before any work starts.
     *
     * @throws CheckpointWriteException REFUSED naming the first target that would touch an input
     */
    public static AtomicFileWriter checked(Collection<Path> inputs, Path... targets) {
        AtomicFileWriter writer = writer(inputs);
        for (Path target : targets) {
            if (target != null) {
                writer.checkAllowed(target);
            }
        }
        return writer;
    }
}
