package dev.rankscope.application.model;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.GramSum;
import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.tensor.DType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibration statistics of linear-module inputs (SPEC §4/§8), accumulated over every
 * calibration token in float64: per module {@code input_gram} = Σ x·xᵀ (n×n),
 * {@code input_absmean} = mean |x| (n) and {@code tokens}. Modules that read the same input
 * (q/k/v of one layer, gate/up) share one accumulator: the job passes the same {@code group} key
 * (and the statistics are written under each module's name); the parts of a fused module
 * ({@code c_attn}, {@code qkv_proj}) are one module and so share them by construction.
 *
 * <p>Memory: one n×n float64 Gram per group, off-heap, or one layer's worth with a spill folder
 * ({@link #finishLayer}). Not thread-safe (the forward pass calls
 * {@link #observe} from its one worker thread). Close to free the native buffers.
 */
public final class InputStatistics implements AutoCloseable {
    private static final int BLOCK_ROWS = 256;
    private static final int CHUNK_BYTES = 1 << 23;

    private static final class Group {
        final int n;
        final int layer;
        GramSum gram;
        Path spilled;
        final double[] absSum;
        long tokens;

        Group(int n, int layer) {
            this.n = n;
            this.layer = layer;
            gram = new GramSum(n, BLOCK_ROWS);
            absSum = new double[n];
        }

        double[] gramArray() {
            if (gram != null) {
                return gram.toArray();
            }
            double[] out = new double[n * n];
            java.nio.DoubleBuffer into = java.nio.DoubleBuffer.wrap(out);
            try {
                writeGram(bytes -> into.put(bytes.order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return out;
        }

        /**
         * Streams the Gram, row-major little-endian float64, from its native buffer or its spill file in chunks
         * (no heap copy of the matrix).
         */
        void writeGram(GramSum.ChunkSink sink) throws java.io.IOException {
            if (gram != null) {
                gram.writeTo(sink);
                return;
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(spilled)) {
                java.nio.ByteBuffer chunk = java.nio.ByteBuffer.allocate(CHUNK_BYTES);
                boolean end = false;
                while (!end) {
                    chunk.clear();
                    while (chunk.hasRemaining() && !end) {
                        end = ch.read(chunk) < 0;
                    }
                    chunk.flip();
                    if (chunk.hasRemaining()) {
                        sink.accept(chunk);
                    }
                }
            }
        }

        /** Frees the Gram (its native buffer or its spill file): no module will read it again. */
        void release() {
            if (gram != null) {
                gram.close();
                gram = null;
            }
            if (spilled != null) {
                dev.rankscope.engine.io.TempFiles.discard(spilled);
                spilled = null;
            }
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, String> moduleGroup = new LinkedHashMap<>();
    private final Path spillDir;
    private final List<Path> spillFiles = new ArrayList<>();

    /** Keeps every Gram in memory. */
    public InputStatistics() {
        this(null);
    }

    /**
     * Moves a layer's Grams to temporary files in {@code spillDir} when {@link #finishLayer} is
     * called (bounding memory to one layer's Grams); {@link #close()} deletes them.
     */
    public InputStatistics(Path spillDir) {
        this.spillDir = spillDir;
    }

    /**
     * Block {@code layer} is complete for good (one forward pass over all calibration tokens):
     * with a spill folder, its Grams go to disk and their memory is freed.
     */
    public void finishLayer(int layer) {
        if (spillDir == null) {
            return;
        }
        for (Group g : groups.values()) {
            if (g.layer != layer || g.gram == null) {
                continue;
            }
            try {
                // registered with the process's temp files: a signal deletes it, a later run removes it after kill -9
                Path f = dev.rankscope.engine.io.TempFiles.create(spillDir, ".rankscope-gram-", ".f64");
                spillFiles.add(f);
                f.toFile().deleteOnExit();
                try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f,
                        java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                    g.gram.writeTo(b -> {
                        while (b.hasRemaining()) {
                            ch.write(b);
                        }
                    });
                }
                g.spilled = f;
                g.gram.close();
                g.gram = null;
            } catch (java.io.IOException e) {
                throw new ModelInputException(spillDir + ": cannot write temporary statistics there ("
                        + e.getClass().getSimpleName() + ")");
            }
        }
    }

    /**
     * Adds {@code rows} input rows (row-major, {@code n} per row) of {@code module}.
     *
     * @param group modules with the same group key read the same input; only the first of them to
     *              be observed for a forward pass should call this with the data (see class doc),
     *              the others call {@link #share}
     * @throws ModelInputException naming the module when the activations hold NaN/Inf or the
     *                             width changes
     */
    public void observe(String module, String group, int layer, float[] x, int offset, int rows, int n) {
        Group g = groups.get(group);
        if (g == null) {
            g = new Group(n, layer);
            groups.put(group, g);
        } else if (g.n != n) {
            throw new IllegalStateException(module + ": input width changed from " + g.n + " to " + n);
        } else if (g.gram == null) {
            throw new IllegalStateException(module + ": layer " + layer + " was already finished");
        }
        moduleGroup.putIfAbsent(module, group);
        try {
            g.gram.add(x, offset, rows);
        } catch (LinalgException e) {
            throw new ModelInputException(module + ": the activations entering this module contain NaN or infinite "
                    + "values; the model or its weights are broken at this layer");
        }
        for (int r = 0; r < rows; r++) {
            int o = offset + r * n;
            for (int c = 0; c < n; c++) {
                g.absSum[c] += Math.abs(x[o + c]);
            }
        }
        g.tokens += rows;
    }

    /** Records that {@code module} reads the same input as {@code group} (no data added). */
    public void share(String module, String group) {
        moduleGroup.putIfAbsent(module, group);
    }

    /** Modules with statistics, in first-observed order. */
    public List<String> modules() {
        return new ArrayList<>(moduleGroup.keySet());
    }

    /** Tokens seen by {@code module}'s input (0 when never observed). */
    public long tokens(String module) {
        String g = moduleGroup.get(module);
        return g == null ? 0 : groups.get(g).tokens;
    }

    /** Σ x·xᵀ of {@code module}'s input, n×n row-major (a new array). */
    public double[] gram(String module) {
        return groups.get(moduleGroup.get(module)).gramArray();
    }

    /** mean |x| per input channel of {@code module} (a new array). */
    public double[] absMean(String module) {
        Group g = groups.get(moduleGroup.get(module));
        double[] out = g.absSum.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = g.tokens == 0 ? 0 : out[i] / g.tokens;
        }
        return out;
    }

    /**
     * Writes the SPEC §4 file atomically: per module {@code <module>.input_gram} (F64 n×n),
     * {@code <module>.input_absmean} (F64 n), {@code <module>.tokens} (I64 scalar as shape [1]),
     * and {@code metadata} as {@code __metadata__}. Grams are produced one at a time while writing,
     * and a group's Gram (its spill file, or its native buffer) is freed as soon as its last module
     * is written, so the disk holds the output plus the Grams not yet written, never both in full
     * (a Llama-2-7B-shaped model's statistics are 57 GB, its spill files 44 GB). The statistics
     * cannot be read after this call.
     */
    public void write(Path target, AtomicFileWriter files, Map<String, String> metadata,
                      SafetensorsWriter.Progress progress) {
        SafetensorsWriter w = new SafetensorsWriter();
        metadata.forEach(w::metadata);
        Map<String, String> lastModuleOfGroup = new LinkedHashMap<>();
        moduleGroup.forEach((module, group) -> lastModuleOfGroup.put(group, module));
        for (String module : modules()) {
            Group g = groups.get(moduleGroup.get(module));
            boolean last = module.equals(lastModuleOfGroup.get(moduleGroup.get(module)));
            int n = g.n;
            w.add(module + ".input_gram", DType.F64, new long[] {n, n}, sink -> {
                g.writeGram(sink::putEncoded);
                if (last) {
                    g.release();
                }
            });
            w.add(module + ".input_absmean", DType.F64, new long[] {n}, sink -> sink.put(absMean(module)));
            w.add(module + ".tokens", DType.I64, new long[] {1}, sink -> sink.put(g.tokens));
        }
        w.write(target, files, progress);
    }

    @Override
    public void close() {
        for (Group g : groups.values()) {
            g.release();
        }
        for (Path f : spillFiles) {
            dev.rankscope.engine.io.TempFiles.discard(f);
        }
    }
}
