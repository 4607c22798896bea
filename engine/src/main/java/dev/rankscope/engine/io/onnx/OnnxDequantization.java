package dev.rankscope.engine.io.onnx;

import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Dequantized views of an ONNX model's int8/uint8 weight initializers (issue 16), so a quantized
 * export can be compared with its float original matrix by matrix. Three layouts are recognised:
 * <ol>
 *   <li>{@code DequantizeLinear(x, x_scale, x_zero_point)} with x an initializer (QDQ format):
 *   ŵ = (x − zero)·scale along the node's {@code axis} (default 1; a scalar scale is per tensor);</li>
 *   <li>{@code MatMulInteger(a, b, a_zero, b_zero)} with b an initializer (ONNX Runtime's dynamic
 *   quantization): ŵ = (b − b_zero)·b_scale per output column, the scale found as {@code <w>_scale}
 *   for {@code b = <w>_quantized}, or traced through {@code Cast → Mul ← Mul(a_scale, b_scale)};</li>
 *   <li>the same naming convention alone ({@code <w>_quantized}, {@code <w>_scale},
 *   {@code <w>_zero_point}), as ONNX Runtime writes for a quantized {@code Gather} table.</li>
 * </ol>
 * Values are ŵ = float32((q − zero)·scale), as {@code DequantizeLinear} computes them. The view is
 * named like a float weight: the original name without {@code _quantized}, or, for an exporter's
 * generated name, the consuming node's module ({@code /encoder/layer.0/attention/self/query/MatMul_quant}
 * → {@code encoder.layer.0.attention.self.query.weight}); a MatMul weight (in, out) is shown as (out,
 * in) like the float model's. Its {@link TensorInfo#dtype()} is the stored integer type. Metadata:
 * {@code onnx.dequantized.<name>} describes the source tensors, {@code onnx.quantized_parts} lists
 * every code, scale and zero-point initializer consumed, {@code onnx.dequantize_skipped} the ones
 * that could not be interpreted, with the reason. The codes themselves stay listed unchanged.
 */
final class OnnxDequantization {
    private static final String SUFFIX = "_quantized";
    /** Operator names of quantized kernels: …Quant…, …Integer…, …NBits…, …Bnb4…, or Q + capital (QLinearMatMul, QGemm). */
    private static final java.util.regex.Pattern QUANTIZED_OP =
            java.util.regex.Pattern.compile("(?i:quant|integer|nbits|bnb4)|^Q[A-Z]");

    /** A graph node as {@link OnnxSource} parsed it. */
    record Node(String name, String opType, List<String> inputs, List<String> outputs, Map<String, Long> ints) { }

    private record Use(Node node, int index) { }

    private record Candidate(String codes, String scale, String zero, int axis, Use consumer, String base, String via) { }

    private OnnxDequantization() {
    }

    static void register(OnnxSource src, List<String> initializers, List<Node> nodes, Set<String> taken) {
        Map<String, TensorInfo> known = new HashMap<>();
        for (TensorInfo t : src.tensors()) {
            known.put(t.name(), t);
        }
        Map<String, List<Use>> uses = new HashMap<>();
        Map<String, Node> producer = new HashMap<>();
        for (Node n : nodes) {
            for (int i = 0; i < n.inputs().size(); i++) {
                uses.computeIfAbsent(n.inputs().get(i), k -> new ArrayList<>()).add(new Use(n, i));
            }
            for (String o : n.outputs()) {
                producer.put(o, n);
            }
        }
        Map<String, Candidate> found = new LinkedHashMap<>();
        for (Node n : nodes) {
            List<String> in = n.inputs();
            if (n.opType().equals("DequantizeLinear") && in.size() >= 2 && isCode(known.get(in.get(0)))
                    && known.containsKey(in.get(1))) {
                String zero = in.size() > 2 && known.containsKey(in.get(2)) ? in.get(2) : null;
                Use consumer = n.outputs().isEmpty() ? null : first(uses.get(n.outputs().get(0)));
                String base = strip(in.get(0), n.outputs().isEmpty() ? in.get(0) : n.outputs().get(0));
                found.putIfAbsent(in.get(0), new Candidate(in.get(0), in.get(1), zero,
                        n.ints().getOrDefault("axis", 1L).intValue(), consumer, base, "DequantizeLinear"));
            } else if (n.opType().equals("MatMulInteger") && in.size() >= 2 && isCode(known.get(in.get(1)))) {
                String codes = in.get(1);
                String zero = in.size() > 3 && known.containsKey(in.get(3)) ? in.get(3) : null;
                String scale = conventionScale(codes, known);
                if (scale == null) {
                    scale = traceScale(n, uses, producer, known);
                }
                if (scale != null) {
                    found.putIfAbsent(codes, new Candidate(codes, scale, zero, 1, new Use(n, 1),
                            strip(codes, codes), "MatMulInteger"));
                }
            }
        }
        for (String name : initializers) {
            if (!found.containsKey(name) && name.endsWith(SUFFIX) && isCode(known.get(name))) {
                String scale = conventionScale(name, known);
                if (scale != null) {
                    String base = name.substring(0, name.length() - SUFFIX.length());
                    String zero = known.containsKey(base + "_zero_point") ? base + "_zero_point" : null;
                    found.put(name, new Candidate(name, scale, zero, -1, null, base, "naming convention"));
                }
            }
        }
        List<String> parts = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Candidate c : found.values()) {
            String problem = add(src, c, known, taken);
            if (problem == null) {
                parts.add(c.codes());
                parts.add(c.scale());
                if (c.zero() != null) {
                    parts.add(c.zero());
                }
            } else {
                skipped.add(c.codes() + " (" + problem + ")");
            }
        }
        Map<String, String> facts = new LinkedHashMap<>();
        String unknown = unknownSchemes(nodes, known, new HashSet<>(parts));
        if (!unknown.isEmpty()) {
            facts.put(OnnxSource.UNKNOWN_QUANTIZATION_KEY, unknown);
        }
        if (!parts.isEmpty()) {
            facts.put("onnx.quantized_parts", String.join(", ", new java.util.LinkedHashSet<>(parts)));
        }
        if (!skipped.isEmpty()) {
            facts.put("onnx.dequantize_skipped", String.join("; ", skipped));
        }
        if (!facts.isEmpty()) {
            src.addDequantized(null, null, null, facts);
        }
    }

    /**
     * Quantized operators whose integer weights are not dequantized here (ONNX Runtime's
     * {@code MatMulNBits}, {@code QLinearMatMul}, {@code QGemm}, {@code DynamicQuantizeMatMul},
     * {@code MatMulIntegerToFloat}, {@code ConvInteger}, {@code GatherBlockQuantized}, …): each node of such
     * an operator that reads an int8/uint8 initializer of two or more dimensions (a weight, not a zero
     * point) this class did not consume, as
     * {@code "op (initializer, …)"}, grouped by operator; empty when there is none.
     */
    private static String unknownSchemes(List<Node> nodes, Map<String, TensorInfo> known, Set<String> consumed) {
        Map<String, List<String>> byOp = new LinkedHashMap<>();
        for (Node n : nodes) {
            if (!QUANTIZED_OP.matcher(n.opType()).find() || n.opType().endsWith("QuantizeLinear")) {
                continue; // (De)QuantizeLinear of activations: their zero points are int8 initializers, no weights
            }
            for (String in : n.inputs()) {
                TensorInfo t = known.get(in);
                if (isCode(t) && t.rank() >= 2 && !consumed.contains(in)) {
                    byOp.computeIfAbsent(n.opType(), k -> new ArrayList<>()).add(in);
                }
            }
        }
        List<String> out = new ArrayList<>();
        byOp.forEach((op, inits) -> out.add(op + " (" + (inits.size() <= 3 ? String.join(", ", inits)
                : String.join(", ", inits.subList(0, 3)) + " and " + (inits.size() - 3) + " more") + ")"));
        return String.join("; ", out);
    }

    private static String add(OnnxSource src, Candidate c, Map<String, TensorInfo> known, Set<String> taken) {
        TensorInfo codes = known.get(c.codes());
        TensorInfo scale = known.get(c.scale());
        TensorInfo zero = c.zero() == null ? null : known.get(c.zero());
        long[] dims = codes.shape();
        if (scale.dtype() != DType.F32 && scale.dtype() != DType.F16 && scale.dtype() != DType.BF16
                && scale.dtype() != DType.F64) {
            return "scale " + c.scale() + " is " + scale.dtype() + ", not a float";
        }
        int axis = c.axis();
        long sn = scale.numel();
        if (sn == 1) {
            axis = -1;
        } else {
            if (axis == -1) {
                axis = dims.length >= 2 && dims[1] == sn ? 1 : dims.length >= 1 && dims[0] == sn ? 0 : -2;
            }
            if (axis < 0 && axis != -2) {
                axis += dims.length;
            }
            if (axis < 0 || axis >= dims.length || dims[axis] != sn) {
                return "scale has " + sn + " values, which match no axis of " + codes.shapeString();
            }
        }
        if (zero != null && zero.numel() != sn) {
            return "zero point has " + zero.numel() + " values, scale " + sn;
        }
        boolean matmulWeight = c.consumer() != null && c.consumer().index() == 1 && dims.length == 2
                && (c.consumer().node().opType().equals("MatMul") || c.consumer().node().opType().equals("MatMulInteger")
                || (c.consumer().node().opType().equals("Gemm")
                    && c.consumer().node().ints().getOrDefault("transB", 0L) == 0L));
        String name = c.base();
        if (matmulWeight && OnnxSource.isGeneratedName(name)) {
            String module = OnnxSource.modulePath(c.consumer().node().name());
            if (module != null) {
                name = module + ".weight";
            }
        }
        if (taken.contains(name)) {
            return "a tensor named " + name + " already exists";
        }
        if (codes.numel() > Integer.MAX_VALUE / 8) {
            return "too large to dequantize in memory";
        }
        taken.add(name);
        long[] shape = matmulWeight ? new long[] {dims[1], dims[0]} : dims;
        int ax = axis;
        Map<String, String> facts = Map.of("onnx.dequantized." + name, codes.dtype() + " " + c.codes()
                + " × scale " + c.scale() + (zero == null ? "" : " − zero point " + c.zero())
                + (ax < 0 ? " (per tensor)" : " (per axis " + ax + ")") + " via " + c.via()
                + (matmulWeight ? ", transposed to (out, in)" : ""));
        src.addDequantized(new TensorInfo(name, codes.dtype(), shape, codes.byteSize()), "dequantized:" + c.codes(),
                () -> decode(src, c, dims, ax, matmulWeight), facts);
        return null;
    }

    private static byte[] decode(OnnxSource src, Candidate c, long[] dims, int axis, boolean transpose) {
        double[] q = src.readDouble(c.codes());
        double[] scale = src.readDouble(c.scale());
        double[] zero = c.zero() == null ? null : src.readDouble(c.zero());
        int rows = dims.length == 2 ? (int) dims[0] : 1;
        int cols = dims.length == 2 ? (int) dims[1] : q.length;
        long inner = 1;
        for (int d = axis + 1; d < dims.length && axis >= 0; d++) {
            inner *= dims[d];
        }
        ByteBuffer out = ByteBuffer.allocate(q.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        double[] v = new double[q.length];
        for (int e = 0; e < q.length; e++) {
            int a = axis < 0 ? 0 : (int) ((e / inner) % dims[axis]);
            float s = (float) scale[a];
            double z = zero == null ? 0 : zero[a];
            v[e] = (float) ((q[e] - z) * (double) s);
        }
        if (transpose) {
            for (int j = 0; j < cols; j++) {
                for (int i = 0; i < rows; i++) {
                    out.putDouble(v[i * cols + j]);
                }
            }
        } else {
            for (double x : v) {
                out.putDouble(x);
            }
        }
        return out.array();
    }

    private static boolean isCode(TensorInfo t) {
        return t != null && (t.dtype() == DType.I8 || t.dtype() == DType.U8);
    }

    private static String strip(String codes, String fallback) {
        return codes.endsWith(SUFFIX) ? codes.substring(0, codes.length() - SUFFIX.length()) : fallback;
    }

    private static String conventionScale(String codes, Map<String, TensorInfo> known) {
        if (!codes.endsWith(SUFFIX)) {
            return null;
        }
        String s = codes.substring(0, codes.length() - SUFFIX.length()) + "_scale";
        return known.containsKey(s) ? s : null;
    }

    /** MatMulInteger → Cast → Mul(·, Mul(a_scale, b_scale)): the float initializer among the inner Mul's inputs. */
    private static String traceScale(Node mm, Map<String, List<Use>> uses, Map<String, Node> producer,
                                     Map<String, TensorInfo> known) {
        if (mm.outputs().isEmpty()) {
            return null;
        }
        for (Use cast : uses.getOrDefault(mm.outputs().get(0), List.of())) {
            if (!cast.node().opType().equals("Cast") || cast.node().outputs().isEmpty()) {
                continue;
            }
            for (Use mul : uses.getOrDefault(cast.node().outputs().get(0), List.of())) {
                if (!mul.node().opType().equals("Mul") || mul.node().inputs().size() != 2) {
                    continue;
                }
                Node scales = producer.get(mul.node().inputs().get(1 - mul.index()));
                if (scales == null || !scales.opType().equals("Mul")) {
                    continue;
                }
                Set<String> floats = new HashSet<>();
                for (String s : scales.inputs()) {
                    TensorInfo t = known.get(s);
                    if (t != null && t.dtype() == DType.F32) {
                        floats.add(s);
                    }
                }
                if (floats.size() == 1) {
                    return floats.iterator().next();
                }
            }
        }
        return null;
    }

    private static Use first(List<Use> list) {
        return list == null || list.isEmpty() ? null : list.get(0);
    }
}
