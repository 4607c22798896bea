package dev.rankscope.runtime;

import dev.rankscope.engine.linalg.FloatGemm;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads tensors widened to float32 on demand (one module at a time, never the whole model) and
 * runs linear modules with the forward pass's override and observer. One instance per forward
 * pass; not thread-safe.
 */
final class Weights {
    /** Elements decoded per read call (bounds the engine's float64 staging buffer). */
    private static final int CHUNK = 1 << 20;

    private final TensorSource source;
    private final ForwardOptions options;
    /** The override's embedding tables asked so far this pass, by tensor name (checked once). */
    private final Map<String, Optional<float[]>> tables = new HashMap<>();

    Weights(TensorSource source, ForwardOptions options) {
        this.source = source;
        this.options = options;
    }

    boolean has(String name) {
        return source.find(name).isPresent();
    }

    /** Tensor {@code name} as float32, checked to have {@code expected} elements. */
    float[] read(String name, long expected) {
        TensorInfo info = source.find(name).orElseThrow(() -> new ModelRuntimeException(
                "Weights " + source.path() + " have no tensor " + name + "."));
        if (info.numel() != expected) {
            throw new ModelRuntimeException("Tensor " + name + " in " + source.path() + " has shape "
                    + info.shapeString() + " (" + info.numel() + " values), expected " + expected + " values.");
        }
        if (expected > Integer.MAX_VALUE - 8) {
            throw new ModelRuntimeException("Tensor " + name + " has " + expected + " values, too many to load at once.");
        }
        return readLeading(name, (int) expected);
    }

    /** The first {@code count} elements of {@code name} as float32, read in bounded chunks. */
    float[] readLeading(String name, int count) {
        Optional<float[]> table = table(name);
        if (table.isPresent()) {
            return Arrays.copyOf(table.get(), count);
        }
        float[] out = new float[count];
        for (int off = 0; off < out.length; off += CHUNK) {
            int n = Math.min(CHUNK, out.length - off);
            source.readElements(name, off, n, out, off);
        }
        return out;
    }

    /**
     * {@code count} consecutive elements of {@code name} starting at element {@code first}: from the
     * override's replacement when {@code name} is a replaced embedding table, else the checkpoint's.
     */
    void readRange(String name, long first, int count, float[] dst, int dstOff) {
        Optional<float[]> table = table(name);
        if (table.isPresent()) {
            System.arraycopy(table.get(), Math.toIntExact(first), dst, dstOff, count);
        } else {
            source.readElements(name, first, count, dst, dstOff);
        }
    }

    /** The override's replacement of table {@code name}, checked against the tensor's size once per pass. */
    private Optional<float[]> table(String name) {
        return tables.computeIfAbsent(name, n -> {
            Optional<float[]> t = options.weights().table(n);
            if (t.isPresent()) {
                TensorInfo info = source.find(n).orElseThrow(() -> new ModelRuntimeException(
                        "Weights " + source.path() + " have no tensor " + n + " to replace."));
                if (info.numel() != t.get().length) {
                    throw new ModelRuntimeException("Replacement for embedding " + n + " has " + t.get().length
                            + " values, but the table is " + info.shapeString() + ".");
                }
            }
            return t;
        });
    }

    /** The observer sees {@code x} as the shared input of {@code group}. */
    void observe(List<LinearModule> group, FloatMatrix x) {
        options.observer().observe(group, x);
    }

    /** Observes {@code x} as {@code m}'s input, then applies {@code m}. */
    FloatMatrix observeAndApply(LinearModule m, FloatMatrix x) {
        observe(List.of(m), x);
        return apply(m, x);
    }

    /**
     * {@code y = x·Aᵀ + b} for module {@code m} (tokens × out): the override's replacement when
     * it has one, else the checkpoint weight, widened just for this call.
     */
    FloatMatrix apply(LinearModule m, FloatMatrix x) {
        if (x.cols() != m.inFeatures()) {
            throw new IllegalStateException(m.name() + " expects " + m.inFeatures() + " inputs, got " + x.cols());
        }
        int t = x.rows();
        FloatMatrix y = FloatMatrix.zeros(t, m.outFeatures());
        Optional<LinearReplacement> rep = options.weights().replacement(m);
        if (rep.isPresent()) {
            LinearReplacement r = rep.get();
            if (r.rows() != m.storedRows() || r.cols() != m.storedCols()) {
                throw new ModelRuntimeException("Replacement for " + m.name() + " is " + r.rows() + "×" + r.cols()
                        + ", but the module's weight is " + m.storedRows() + "×" + m.storedCols() + ".");
            }
            if (r instanceof LinearReplacement.Dense dense) {
                multiply(m, x, dense.values(), y);
            } else if (r instanceof LinearReplacement.LowRank lr) {
                int k = lr.rank();
                float[] mid = new float[t * k];
                if (m.storedInOut()) {
                    // (in, out) = U (in×k) · V (k×out): y = (x·U)·V
                    FloatGemm.multiply(false, false, t, k, m.inFeatures(), 1f, x.data(), m.inFeatures(), lr.u(), k, 0f, mid, k);
                    FloatGemm.multiply(false, false, t, m.outFeatures(), k, 1f, mid, k, lr.v(), m.outFeatures(), 0f, y.data(), m.outFeatures());
                } else {
                    // (out, in) = U (out×k) · V (k×in): y = (x·Vᵀ)·Uᵀ
                    FloatGemm.multiply(false, true, t, k, m.inFeatures(), 1f, x.data(), m.inFeatures(), lr.v(), m.inFeatures(), 0f, mid, k);
                    FloatGemm.multiply(false, true, t, m.outFeatures(), k, 1f, mid, k, lr.u(), k, 0f, y.data(), m.outFeatures());
                }
            }
        } else {
            float[] w = read(m.weightName(), (long) m.inFeatures() * m.outFeatures());
            multiply(m, x, w, y);
        }
        if (has(m.biasName())) {
            Kernels.addBias(y, read(m.biasName(), m.outFeatures()));
        }
        return y;
    }

    private static void multiply(LinearModule m, FloatMatrix x, float[] w, FloatMatrix y) {
        int t = x.rows();
        if (m.storedInOut()) {
            FloatGemm.multiply(false, false, t, m.outFeatures(), m.inFeatures(), 1f, x.data(), m.inFeatures(),
                    w, m.outFeatures(), 0f, y.data(), m.outFeatures());
        } else {
            FloatGemm.multiply(false, true, t, m.outFeatures(), m.inFeatures(), 1f, x.data(), m.inFeatures(),
                    w, m.inFeatures(), 0f, y.data(), m.outFeatures());
        }
    }

    /** The shape of {@code name}, or empty. */
    Optional<long[]> shape(String name) {
        return source.find(name).map(TensorInfo::shape);
    }

    static String shapeString(long[] shape) {
        return Arrays.toString(shape);
    }
}
