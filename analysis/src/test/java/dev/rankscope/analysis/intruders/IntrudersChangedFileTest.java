package dev.rankscope.analysis.intruders;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The intruders path reads through the one changed-file check ({@code TensorSource.verifyUnchanged}):
 * a tuned checkpoint replaced while pairs are compared costs the remaining pairs, reported as one
 * failure naming the file, and every result kept was computed from the opened content; a file
 * replaced while the mitigated checkpoint is written fails the export with one line and leaves
 * no output.
 */
class IntrudersChangedFileTest {
    private static final String[] MODULES = {
        "model.layers.0.self_attn.q_proj.weight", "model.layers.0.self_attn.v_proj.weight",
        "model.layers.1.self_attn.q_proj.weight", "model.layers.1.self_attn.v_proj.weight"};

    @TempDir
    Path tmp;

    private Path model(String name, long seed) {
        Random rnd = new Random(seed);
        SafetensorsWriter w = new SafetensorsWriter();
        for (String m : MODULES) {
            double[] v = Fixtures.gaussian(rnd, 48);
            w.add(m, DType.F32, new long[] {8, 6}, s -> s.put(v));
        }
        Path file = tmp.resolve(name + ".safetensors");
        w.write(file, AtomicFileWriter.unprotected());
        return file;
    }

    /** Renames a copy of {@code replacement} over {@code target}, as downloads and training jobs replace files. */
    private static void renameOver(Path replacement, Path target) {
        try {
            Path incoming = target.resolveSibling(".incoming");
            Files.copy(replacement, incoming);
            Files.move(incoming, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void pairsOfAFileReplacedMidRunFailAsOneLineNamingIt() {
        Path basePath = model("base", 1);
        Path tunedPath = model("tuned", 2);
        Path other = model("other", 3);
        try (TensorSource base = Checkpoints.open(basePath); TensorSource tuned = Checkpoints.open(tunedPath)) {
            IntruderTask task = new IntruderTask(base, tuned, Pairing.of(base, tuned),
                    new IntruderAnalyzer(new OjAlgoBackend()), Fixtures.NAMES, r -> {
                        if (r.name().id().equals(MODULES[0])) {
                            renameOver(other, tunedPath);
                        }
                    });
            task.run();
            assertEquals(AbstractTask.Status.FINISHED, task.status(), () -> String.valueOf(task.failure()));
            IntruderReport report = task.report();
            assertEquals(List.of(MODULES[0]), report.matrices().stream().map(r -> r.name().id()).toList(),
                    "only the pair compared before the change is kept");
            assertEquals(1, report.failures().size(), report.failures().toString());
            IntruderReport.MatrixFailure f = report.failures().get(0);
            assertEquals("tuned.safetensors", f.name());
            assertTrue(f.message().matches("tuned\\.safetensors: was rewritten or replaced while it was being read; "
                    + ".* \\(3 matrix pairs\\)"), f.message());
        }
    }

    @Test
    void aMitigationWhoseInputIsReplacedWritesNothing() throws IOException {
        Path basePath = model("base", 1);
        Path tunedPath = model("tuned", 2);
        Path other = model("other", 3);
        Path out = Files.createDirectories(tmp.resolve("out")).resolve("mitigated.safetensors");
        try (TensorSource base = Checkpoints.open(basePath); TensorSource tuned = Checkpoints.open(tunedPath)) {
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class, () -> MitigatedCheckpoint.write(
                    base, tuned, IntruderParameters.DEFAULT, 0.5, new OjAlgoBackend(), out, AtomicFileWriter.unprotected(),
                    (index, total, tensor) -> {
                        if (index == 2) {
                            renameOver(other, basePath);
                        }
                    }));
            assertEquals(CheckpointFormatException.Category.CHANGED, e.category());
            assertEquals(basePath.getFileName(), e.file().getFileName());
            assertTrue(e.userMessage().startsWith("base.safetensors: was rewritten or replaced"), e.userMessage());
        }
        try (Stream<Path> left = Files.list(out.getParent())) {
            assertEquals(List.of(), left.toList(), "no output and no temporary file");
        }
    }
}
