package dev.rankscope.engine.peft;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A base checkpoint with a LoRA adapter merged on, as a {@link TensorSource} (SPEC §3, §6):
 * every adapted weight reads as {@code W_t = W₀ + ΔW} with ΔW from {@link PeftAdapter#delta}
 * (scaling·B·A, transposed for {@code fan_in_fan_out} and embeddings); adapter
 * replacement tensors ({@code modules_to_save}) read from the adapter; every other tensor reads
 * from the base unchanged. Merged tensors are reported as {@link DType#F32} and their values are
 * rounded to float32 (what a merged checkpoint saved in F32 would hold).
 *
 * <p>Adapter modules are matched to base tensors at construction: {@code <module>.weight}
 * exactly, else the unique base tensor whose name ends with {@code .<module>.weight} (or of which
 * {@code <module>.weight} ends with {@code .<name>}), tolerating an extra or missing {@code model.}
 * level. A module with no base weight, or a shape that disagrees, is an error naming the module.
 *
 * <p>Merging is lazy: a merged tensor is computed when first read and the most recent one is
 * kept (one tensor's float32 values, e.g. 64 MiB for 4096×4096), so chunked reads of one tensor
 * cost one merge. Thread-safe for concurrent reads. Does not own the base or the adapter:
 * {@link #close()} only drops the cached tensor.
 */
public final class MergedTensorSource implements TensorSource {
    private final TensorSource base;
    private final PeftAdapter adapter;
    private final Map<String, PeftAdapter.LoraModule> merged;
    private final Map<String, String> replaced;
    private final List<TensorInfo> tensors;
    private final Map<String, TensorInfo> byName;

    private String cachedName;
    private float[] cachedValues;

    /**
     * @throws CheckpointFormatException when an adapted module has no weight in {@code base} or
     *                                   its shape disagrees with the adapter's update
     */
    public MergedTensorSource(TensorSource base, PeftAdapter adapter) {
        this.base = base;
        this.adapter = adapter;
        Map<String, TensorInfo> baseInfos = new LinkedHashMap<>();
        for (TensorInfo t : base.tensors()) {
            baseInfos.put(t.name(), t);
        }
        Map<String, PeftAdapter.LoraModule> m = new LinkedHashMap<>();
        for (PeftAdapter.LoraModule mod : adapter.modules().values()) {
            String name = resolve(baseInfos, mod.weightName());
            if (name == null) {
                throw new CheckpointFormatException(adapter.path(), Category.IO, "adapter module '" + mod.module()
                        + "' matches no single weight in the base checkpoint " + fileName(base.path())
                        + " (is this the adapter's base model?)");
            }
            TensorInfo info = baseInfos.get(name);
            long[] s = info.shape();
            if (!Arrays.equals(s, mod.weightShape())) {
                throw new CheckpointFormatException(adapter.path(), Category.SIZE_MISMATCH, "adapter module '"
                        + mod.module() + "' updates a " + mod.shapeString() + " weight but base tensor '" + name
                        + "' is " + info.shapeString());
            }
            if (m.put(name, mod) != null) {
                throw new CheckpointFormatException(adapter.path(), Category.DUPLICATE_NAME,
                        "two adapter modules update base tensor '" + name + "'");
            }
        }
        Map<String, String> r = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : adapter.replacements().entrySet()) {
            String name = resolve(baseInfos, e.getKey());
            if (name == null || m.containsKey(name)) {
                continue; // an extra adapter tensor with no base counterpart: nothing to replace
            }
            TensorInfo baseInfo = baseInfos.get(name);
            TensorInfo adapterInfo = adapter.weights().require(e.getValue());
            if (!Arrays.equals(baseInfo.shape(), adapterInfo.shape())) {
                throw new CheckpointFormatException(adapter.path(), Category.SIZE_MISMATCH, "adapter tensor '"
                        + e.getValue() + "' is " + adapterInfo.shapeString() + " but base tensor '" + name
                        + "' is " + baseInfo.shapeString());
            }
            r.put(name, e.getValue());
        }
        List<TensorInfo> list = new ArrayList<>();
        Map<String, TensorInfo> index = new LinkedHashMap<>();
        for (TensorInfo t : baseInfos.values()) {
            TensorInfo out = t;
            if (m.containsKey(t.name())) {
                out = new TensorInfo(t.name(), DType.F32, t.shape(), DType.F32.byteSize(t.numel()));
            } else if (r.containsKey(t.name())) {
                TensorInfo a = adapter.weights().require(r.get(t.name()));
                out = new TensorInfo(t.name(), a.dtype(), t.shape(), a.byteSize());
            }
            list.add(out);
            index.put(out.name(), out);
        }
        this.merged = Collections.unmodifiableMap(m);
        this.replaced = Collections.unmodifiableMap(r);
        this.tensors = List.copyOf(list);
        this.byName = index;
    }

    /** Base tensor name → the adapter module merged onto it. */
    public Map<String, PeftAdapter.LoraModule> mergedTensors() {
        return merged;
    }

    /** Base tensor name → adapter tensor that replaces it whole ({@code modules_to_save}). */
    public Map<String, String> replacedTensors() {
        return replaced;
    }

    /** Whether reading {@code name} gives something other than the base's values. */
    public boolean isChanged(String name) {
        return merged.containsKey(name) || replaced.containsKey(name);
    }

    public TensorSource base() {
        return base;
    }

    public PeftAdapter adapter() {
        return adapter;
    }

    /** The adapter folder. */
    @Override
    public Path path() {
        return adapter.path();
    }

    @Override
    public String format() {
        return base.format() + " + LoRA adapter";
    }

    @Override
    public List<TensorInfo> tensors() {
        return tensors;
    }

    @Override
    public java.util.Optional<TensorInfo> find(String name) {
        return java.util.Optional.ofNullable(byName.get(name));
    }

    /** The base's metadata plus {@code lora.*} facts about the adapter. */
    @Override
    public Map<String, String> metadata() {
        Map<String, String> meta = new LinkedHashMap<>(base.metadata());
        PeftAdapterConfig c = adapter.config();
        meta.put("lora.adapter", String.valueOf(adapter.path()));
        meta.put("lora.r", Integer.toString(c.r()));
        meta.put("lora.alpha", Double.toString(c.loraAlpha()));
        meta.put("lora.use_rslora", Boolean.toString(c.useRslora()));
        meta.put("lora.modules", Integer.toString(merged.size()));
        if (c.baseModelNameOrPath() != null) {
            meta.put("lora.base_model_name_or_path", c.baseModelNameOrPath());
        }
        return Collections.unmodifiableMap(meta);
    }

    @Override
    public void readElements(String name, long first, int count, double[] dst, int dstOffset) {
        TensorInfo info = require(name);
        if (first < 0 || count < 0 || first + count > info.numel()) {
            throw new IndexOutOfBoundsException("elements [" + first + ", " + (first + count)
                    + ") outside tensor '" + name + "' of " + info.numel());
        }
        PeftAdapter.LoraModule module = merged.get(name);
        if (module != null) {
            float[] values = mergedValues(name, module);
            for (int i = 0; i < count; i++) {
                dst[dstOffset + i] = values[(int) first + i];
            }
        } else if (replaced.containsKey(name)) {
            adapter.weights().readElements(replaced.get(name), first, count, dst, dstOffset);
        } else {
            base.readElements(name, first, count, dst, dstOffset);
        }
    }

    /** Checks the base file holding {@code name} (or the adapter's, for a replaced tensor). */
    @Override
    public void verifyUnchanged(String name) {
        if (replaced.containsKey(name)) {
            adapter.weights().verifyUnchanged(replaced.get(name));
        } else {
            base.verifyUnchanged(name);
        }
    }

    /** Drops the cached merged tensor. Does not close the base or the adapter. */
    @Override
    public synchronized void close() {
        cachedName = null;
        cachedValues = null;
    }

    private synchronized float[] mergedValues(String name, PeftAdapter.LoraModule module) {
        if (name.equals(cachedName)) {
            return cachedValues;
        }
        cachedName = null;
        cachedValues = null; // release before allocating the next one
        double[] w = base.readDouble(name);
        Matrix delta = adapter.delta(module);
        double[] d = delta.data();
        float[] out = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            out[i] = (float) (w[i] + d[i]);
        }
        cachedName = name;
        cachedValues = out;
        return out;
    }

    private static String resolve(Map<String, TensorInfo> baseInfos, String wanted) {
        if (baseInfos.containsKey(wanted)) {
            return wanted;
        }
        String found = null;
        for (String name : baseInfos.keySet()) {
            if (name.endsWith("." + wanted) || wanted.endsWith("." + name)) {
                if (found != null) {
                    return null; // ambiguous: refuse to guess
                }
                found = name;
            }
        }
        return found;
    }

    private static String fileName(Path p) {
        Path f = p == null ? null : p.getFileName();
        return f == null ? String.valueOf(p) : f.toString();
    }
}
