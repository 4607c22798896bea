package dev.rankscope.engine.linalg;

import org.bytedeco.javacpp.DoublePointer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;

import static org.bytedeco.openblas.global.openblas.CblasColMajor;
import static org.bytedeco.openblas.global.openblas.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas.CblasUpper;
import static org.bytedeco.openblas.global.openblas.cblas_dsyrk;

/**
 * Σ x·xᵀ over streamed float32 rows x ∈ ℝⁿ, accumulated in float64 (SPEC §8 calibration
 * statistics {@code input_gram}): each row block is widened to float64 and added with one
 * {@code dsyrk} (native OpenBLAS), or with plain loops when the native library is unavailable.
 * Off-heap memory: 8·(n² + blockRows·n) bytes. Not thread-safe; close it to free the buffers.
 * Rows are copied, never modified.
 */
public final class GramSum implements AutoCloseable {
    private final int n;
    private final int blockRows;
    private final boolean nativeBlas;
    private final DoublePointer gram;
    private final DoublePointer block;
    private final double[] javaGram;
    private final double[] staging;
    private static final int CHUNK_BYTES = 1 << 23;
    private long rows;
    private boolean closed;
    /** The native Gram holds both triangles ({@link #writeTo} ran); no more rows may be added. */
    private boolean symmetric;

    /**
     * @param n         the row length (the module's input size)
     * @param blockRows rows per {@code dsyrk} update (≥ 1)
     */
    public GramSum(int n, int blockRows) {
        if (n < 1 || blockRows < 1) {
            throw new IllegalArgumentException("n and blockRows must be ≥ 1, got " + n + ", " + blockRows);
        }
        this.n = n;
        this.blockRows = blockRows;
        this.nativeBlas = NativeLibrary.isAvailable();
        if (nativeBlas) {
            DoublePointer g = NativeBackend.allocate((long) n * n);
            try {
                block = NativeBackend.allocate((long) blockRows * n);
            } catch (LinalgException e) {
                g.close();
                throw e;
            }
            gram = g;
            javaGram = null;
            zero(g, (long) n * n);
        } else {
            gram = null;
            block = null;
            javaGram = new double[Math.multiplyExact(n, n)];
        }
        staging = new double[blockRows * n];
    }

    private static void zero(DoublePointer p, long count) {
        DoubleBuffer b = p.position(0).asBuffer();
        double[] zeros = new double[(int) Math.min(count, 1 << 16)];
        for (long done = 0; done < count; done += zeros.length) {
            b.put(zeros, 0, (int) Math.min(zeros.length, count - done));
        }
    }

    /** The row length n. */
    public int size() {
        return n;
    }

    /** Rows added so far. */
    public long rows() {
        return rows;
    }

    /**
     * Adds {@code count} rows stored row-major in {@code x[offset .. offset + count·n)}.
     *
     * @throws LinalgException when a value is NaN or infinite
     */
    public void add(float[] x, int offset, int count) {
        if (closed || symmetric) {
            throw new IllegalStateException(closed ? "closed" : "written: no more rows can be added");
        }
        for (int start = 0; start < count; start += blockRows) {
            int r = Math.min(blockRows, count - start);
            int base = offset + start * n;
            for (int i = 0; i < r * n; i++) {
                float v = x[base + i];
                if (!Float.isFinite(v)) {
                    throw new LinalgException("The activations contain NaN or infinite values.",
                            "non-finite value at row " + (start + i / n) + ", column " + (i % n));
                }
                staging[i] = v;
            }
            if (nativeBlas) {
                block.position(0).asBuffer().put(staging, 0, r * n);
                // r×n row-major == column-major n×r (ld n); B·Bᵀ = Σ x xᵀ
                cblas_dsyrk(CblasColMajor, CblasUpper, CblasNoTrans, n, r, 1.0, block, n, 1.0, gram, n);
            } else {
                for (int q = 0; q < r; q++) {
                    int o = q * n;
                    for (int a = 0; a < n; a++) {
                        double xa = staging[o + a];
                        if (xa == 0) {
                            continue;
                        }
                        int row = a * n;
                        for (int b = a; b < n; b++) {
                            javaGram[row + b] += xa * staging[o + b];
                        }
                    }
                }
            }
        }
        rows += count;
    }

    /** The accumulated Σ x·xᵀ as a full symmetric n×n row-major array (a new array). */
    public double[] toArray() {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        double[] out = new double[Math.multiplyExact(n, n)];
        if (nativeBlas) {
            // column-major upper triangle: element (i ≤ j) at i + j·n
            gram.position(0).asBuffer().get(out);
            for (int j = 0; j < n; j++) {
                for (int i = j + 1; i < n; i++) {
                    out[i + j * n] = out[j + i * n];
                }
            }
            // out now holds the full symmetric matrix (column-major = row-major for a symmetric one)
            return out;
        }
        for (int a = 0; a < n; a++) {
            for (int b = a; b < n; b++) {
                double v = javaGram[a * n + b];
                out[a * n + b] = v;
                out[b * n + a] = v;
            }
        }
        return out;
    }

    /** Receives the Gram's bytes in order, one chunk at a time (a view valid only during the call). */
    @FunctionalInterface
    public interface ChunkSink {
        void accept(ByteBuffer littleEndianBytes) throws IOException;
    }

    /**
     * Streams the accumulated Σ x·xᵀ, the full symmetric n×n matrix row-major as little-endian
     * float64 (the safetensors F64 layout), to {@code sink} in chunks of at most
     * {@value #CHUNK_BYTES} bytes, without a heap copy of the matrix: a 11008² Gram is 969 MB, and
     * {@link #toArray} plus a byte copy would take twice that on the heap. Mirrors the stored
     * triangle into the other in place first, so {@link #add} may not be called afterwards.
     */
    public void writeTo(ChunkSink sink) throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        DoubleBuffer all;
        if (nativeBlas) {
            mirrorUpperTriangle();
            all = gram.position(0).asBuffer();
        } else {
            all = DoubleBuffer.wrap(toArray());   // the pure-Java fallback: small matrices only
        }
        ByteBuffer chunk = ByteBuffer.allocate(CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        DoubleBuffer view = chunk.asDoubleBuffer();
        int total = Math.multiplyExact(n, n);
        for (int done = 0; done < total; ) {
            int len = Math.min(view.capacity(), total - done);
            view.clear();
            view.put(all.slice(done, len));
            chunk.clear().limit(len * Double.BYTES);
            sink.accept(chunk);
            done += len;
        }
    }

    /** Copies the column-major upper triangle (i ≤ j at i + j·n) into the lower one, in place. */
    private void mirrorUpperTriangle() {
        if (symmetric) {
            return;
        }
        DoubleBuffer b = gram.position(0).asBuffer();
        for (int j = 0; j < n; j++) {
            for (int i = j + 1; i < n; i++) {
                b.put(i + j * n, b.get(j + i * n));
            }
        }
        symmetric = true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            if (gram != null) {
                gram.close();
                block.close();
            }
        }
    }
}
