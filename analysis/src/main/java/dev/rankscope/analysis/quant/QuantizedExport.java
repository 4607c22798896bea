package dev.rankscope.analysis.quant;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsHeader;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes a model quantized in-tool (issue 16), in two safetensors files:
 * <ul>
 *   <li>{@value #MODEL}: every tensor of the base under its own name; each quantized m×n weight
 *   replaced by its dequantized Ŵ in float32 (exact: Ŵ is float32-representable); the others copied
 *   in their stored dtype (quantized GGUF types widened to float32). A PEFT adapter made for this
 *   base applies to it directly.</li>
 *   <li>{@value #CODES}: for each quantized {@code <module>.weight}: {@code <module>.qweight} the
 *   codes (m×n; I8 for symmetric RTN in [−(2^{b−1}−1), 2^{b−1}−1], U8 for asymmetric RTN in
 *   [0, 2^b−1] and for NF4 code indices 0..15), {@code <module>.scales} F32 (m×G for RTN with
 *   G = ⌈n/g⌉ groups per row; ⌈mn/64⌉×1 for NF4 blocks of the flattened matrix) and, for asymmetric
 *   RTN, {@code <module>.zeros} I32 (m×G). Ŵ = float32((qweight − zeros)·scales) per row and group
 *   (RTN), Ŵ = float32(NF4[qweight]·scales[block]) (NF4) — see {@link QuantizedMatrix}.
 *   {@code __metadata__}: {@code format} = {@code rankscope-quantized}, {@code version} = 1,
 *   {@code scheme} (e.g. {@code int4-g128}) and {@code layout} (this description in one line).</li>
 * </ul>
 * Quantization runs again inside each tensor's write callback (it is deterministic), so no
 * quantized copy of the model is held in memory. Not thread-safe.
 */
public final class QuantizedExport {
    /** Dequantized model file name. */
    public static final String MODEL = "model.safetensors";
    /** Codes and scales file name. */
    public static final String CODES = "quantized_codes.safetensors";
    /** One-line layout description written into {@value #CODES}. */
    public static final String LAYOUT = "qweight: codes m x n (I8 symmetric RTN, U8 asymmetric RTN or NF4 index); "
            + "scales: F32 m x ceil(n/g) per row and group (RTN) or ceil(mn/64) x 1 per block of the flattened matrix "
            + "(NF4); zeros: I32 like scales (asymmetric RTN); w = float32((qweight - zeros) * scales) or "
            + "float32(NF4[qweight] * scales)";

    private QuantizedExport() {
    }

    /**
     * Writes both files into {@code folder}.
     *
     * @param quantized tensor name → its whole-matrix ref, for the tensors to quantize
     * @param progress  called before each tensor (may throw a cancellation)
     */
    public static void write(TensorSource base, Map<String, MatrixRef> quantized, QuantScheme scheme, Path folder,
                             AtomicFileWriter files, SafetensorsWriter.Progress progress) {
        Function<MatrixRef, QuantizedMatrix> quantize = ref -> Quantizer.quantize(MatrixReader.read(base, ref), scheme);
        SafetensorsWriter model = new SafetensorsWriter();
        model.metadata("format", "pt");
        model.metadata("rankscope.quantization", scheme.name());
        for (TensorInfo t : base.tensors()) {
            MatrixRef ref = quantized.get(t.name());
            if (ref != null) {
                model.add(t.name(), DType.F32, t.shape(), sink -> sink.put(quantize.apply(ref).dequantized().data()));
            } else {
                DType dt = writable(t.dtype());
                model.add(t.name(), dt, t.shape(), sink -> copy(base, t, sink));
            }
        }
        model.write(folder.resolve(MODEL), files, progress);
        SafetensorsWriter codes = new SafetensorsWriter();
        codes.metadata("format", "rankscope-quantized");
        codes.metadata("version", "1");
        codes.metadata("scheme", scheme.name());
        codes.metadata("layout", LAYOUT);
        boolean unsigned = !scheme.symmetric() || scheme.kind() == QuantScheme.Kind.NF4;
        for (Map.Entry<String, MatrixRef> e : quantized.entrySet()) {
            String module = e.getKey().endsWith(".weight")
                    ? e.getKey().substring(0, e.getKey().length() - ".weight".length()) : e.getKey();
            MatrixRef ref = e.getValue();
            int[] scaleShape = scaleShape(scheme, ref.rows(), ref.cols());
            codes.add(module + ".qweight", unsigned ? DType.U8 : DType.I8, new long[] {ref.rows(), ref.cols()},
                    sink -> sink.put(toDouble(quantize.apply(ref).codes())));
            codes.add(module + ".scales", DType.F32, new long[] {scaleShape[0], scaleShape[1]}, sink -> {
                float[] s = quantize.apply(ref).scales();
                double[] d = new double[s.length];
                for (int i = 0; i < s.length; i++) {
                    d[i] = s[i];
                }
                sink.put(d);
            });
            if (!scheme.symmetric()) {
                codes.add(module + ".zeros", DType.I32, new long[] {scaleShape[0], scaleShape[1]},
                        sink -> sink.put(toDouble(quantize.apply(ref).zeros())));
            }
        }
        codes.write(folder.resolve(CODES), files, progress);
    }

    /** Shape of the scale tensor for an m×n matrix. */
    static int[] scaleShape(QuantScheme scheme, int m, int n) {
        if (scheme.kind() == QuantScheme.Kind.NF4) {
            return new int[] {(int) (((long) m * n + scheme.groupSize() - 1) / scheme.groupSize()), 1};
        }
        int g = Math.max(1, scheme.effectiveGroup(n));
        return new int[] {m, (n + g - 1) / g};
    }

    private static DType writable(DType d) {
        return SafetensorsHeader.SAFETENSORS_DTYPES.contains(d) ? d : DType.F32;
    }

    private static void copy(TensorSource src, TensorInfo t, SafetensorsWriter.ElementSink sink) throws java.io.IOException {
        long n = t.numel();
        int chunk = 1 << 20;
        double[] buf = new double[(int) Math.min(chunk, Math.max(1, n))];
        for (long first = 0; first < n; first += chunk) {
            int count = (int) Math.min(chunk, n - first);
            src.readElements(t.name(), first, count, buf, 0);
            sink.put(buf, 0, count);
        }
    }

    private static double[] toDouble(int[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
