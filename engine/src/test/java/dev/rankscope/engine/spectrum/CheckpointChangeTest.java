package dev.rankscope.engine.spectrum;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.FileTensorSource;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A checkpoint whose shard changes during a spectrum run (renamed over, or rewritten in place)
 * never yields a spectrum mixed from two versions: each matrix is either computed wholly from the
 * content opened or failed as CHANGED naming the shard. The change points are exact (driven by
 * the listener and by a read hook), not timed.
 */
class CheckpointChangeTest {
    private static final int MATRICES = 8;
    private static final String SHARD2 = SafetensorsWriter.shardName(1, 2);

    @TempDir
    Path dir;
    Path model;

    @BeforeEach
    void twoShards() {
        model = dir.resolve("model");
        write(model, 1);
    }

    /** Eight 12×8 F32 matrices from {@code seed}, split into two shards (four each). */
    private static void write(Path folder, long seed) {
        SafetensorsWriter w = new SafetensorsWriter();
        Random rnd = new Random(seed);
        for (int i = 0; i < MATRICES; i++) {
            double[] v = new double[12 * 8];
            for (int k = 0; k < v.length; k++) {
                v[k] = rnd.nextGaussian();
            }
            w.add("m" + i + ".weight", DType.F32, new long[] {12, 8}, sink -> sink.put(v, 0, v.length));
        }
        w.writeSharded(folder, 2, AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE);
    }

    private record Outcome(Map<String, double[]> spectra, Map<String, RankscopeException> failures) { }

    private static Outcome run(TensorSource source, java.util.function.Consumer<Integer> afterSpectrum) {
        Map<String, double[]> spectra = new LinkedHashMap<>();
        Map<String, RankscopeException> failures = new LinkedHashMap<>();
        AtomicInteger reported = new AtomicInteger();
        List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
        new SpectrumTask(source, refs, new OjAlgoBackend(), Precision.F64, 1, new SpectrumListener() {
            @Override
            public void onSpectrum(Spectrum s) {
                spectra.put(s.ref().id(), s.sigma());
                afterSpectrum.accept(reported.incrementAndGet());
            }

            @Override
            public void onFailure(MatrixRef ref, RankscopeException error) {
                failures.put(ref.id(), error);
            }
        }).run();
        return new Outcome(spectra, failures);
    }

    private Outcome reference(long seed) {
        Path other = dir.resolve("ref" + seed);
        write(other, seed);
        try (TensorSource s = Checkpoints.open(other)) {
            return run(s, n -> { });
        }
    }

    private void renameOver(long seed) throws IOException {
        Path fresh = dir.resolve("fresh" + seed);
        write(fresh, seed);
        Files.move(fresh.resolve(SHARD2), model.resolve(SHARD2), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void rewriteInPlace(long seed) throws IOException {
        Path fresh = dir.resolve("fresh" + seed);
        write(fresh, seed);
        byte[] bytes = Files.readAllBytes(fresh.resolve(SHARD2));
        try (FileChannel ch = FileChannel.open(model.resolve(SHARD2), StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(bytes), 0);
        }
    }

    private static void assertOldOrChanged(Outcome old, Outcome got, List<String> mustFail) {
        for (var e : got.spectra().entrySet()) {
            assertArrayEquals(old.spectra().get(e.getKey()), e.getValue(), 0, e.getKey() + " is not the opened content's spectrum");
        }
        for (String id : mustFail) {
            RankscopeException f = got.failures().get(id);
            assertTrue(f instanceof CheckpointFormatException c && c.category() == CheckpointFormatException.Category.CHANGED,
                    id + " should fail as CHANGED, got " + f);
            assertTrue(f.userMessage().startsWith(SHARD2 + ": was rewritten or replaced while it was being read"), f.userMessage());
        }
        assertEquals(MATRICES, got.spectra().size() + got.failures().size());
    }

    @Test
    void aShardRenamedOverMidRunFailsItsRemainingMatricesInsteadOfMixing() throws IOException {
        Outcome old = reference(1);
        Outcome got;
        try (TensorSource s = Checkpoints.open(model)) {
            got = run(s, n -> {
                if (n == 2) {
                    try {
                        renameOver(2);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }
        assertOldOrChanged(old, got, List.of("m4.weight", "m5.weight", "m6.weight", "m7.weight"));
        assertEquals(4, got.spectra().size(), "shard 1 is unchanged and fully analysed");
    }

    /** The rewrite lands after a shard-2 matrix was read and before it is reported: that matrix fails too. */
    @Test
    void aShardRewrittenInPlaceDuringAMatrixFailsThatMatrix() throws IOException {
        Outcome old = reference(1);
        Outcome got;
        try (TensorSource real = Checkpoints.open(model)) {
            AtomicInteger reads = new AtomicInteger();
            TensorSource hooked = new Delegating(real) {
                @Override
                public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
                    super.readElements(name, first, count, dst, dstOffset);
                    if (name.equals("m5.weight") && reads.getAndIncrement() == 0) {
                        try {
                            rewriteInPlace(3);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            };
            got = run(hooked, n -> { });
        }
        assertOldOrChanged(old, got, List.of("m5.weight", "m6.weight", "m7.weight"));
        assertEquals(List.of("m0.weight", "m1.weight", "m2.weight", "m3.weight", "m4.weight"), new ArrayList<>(got.spectra().keySet()));
    }

    @Test
    void aManyShardCheckpointKeepsFewFilesOpen() {
        SafetensorsWriter w = new SafetensorsWriter();
        for (int i = 0; i < 60; i++) {
            double[] v = {1, 2, 3, 4};
            w.add("t" + i, DType.F32, new long[] {2, 2}, sink -> sink.put(v, 0, 4));
        }
        Path many = dir.resolve("many");
        w.writeSharded(many, 60, AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE);
        try (TensorSource s = Checkpoints.open(many)) {
            for (TensorInfo t : s.tensors()) {
                assertArrayEquals(new double[] {1, 2, 3, 4}, s.readDouble(t.name()));
            }
            assertTrue(((FileTensorSource) s).openFiles() <= FileTensorSource.MAX_OPEN_FILES,
                    "open files: " + ((FileTensorSource) s).openFiles());
        }
    }

    /** Forwards everything to another source (subclasses hook single calls). */
    private static class Delegating implements TensorSource {
        private final TensorSource d;

        Delegating(TensorSource d) {
            this.d = d;
        }

        @Override
        public Path path() {
            return d.path();
        }

        @Override
        public List<Path> files() {
            return d.files();
        }

        @Override
        public void verifyUnchanged(String name) {
            d.verifyUnchanged(name);
        }

        @Override
        public String format() {
            return d.format();
        }

        @Override
        public List<TensorInfo> tensors() {
            return d.tensors();
        }

        @Override
        public Map<String, String> metadata() {
            return d.metadata();
        }

        @Override
        public Optional<TensorInfo> find(String name) {
            return d.find(name);
        }

        @Override
        public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
            d.readElements(name, first, count, dst, dstOffset);
        }

        @Override
        public void close() {
            d.close();
        }
    }
}
