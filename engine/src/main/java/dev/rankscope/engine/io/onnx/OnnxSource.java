package dev.rankscope.engine.io.onnx;

import dev.rankscope.engine.io.Shapes;
import dev.rankscope.engine.io.StridedTensorSource;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model's weights (SPEC §6): the initializers of {@code ModelProto.graph} (field 7,
 * {@code GraphProto.initializer} = field 5), parsed with {@link ProtoReader} (no protobuf
 * library). Data comes from {@code raw_data} (located, read positionally on demand), packed
 * {@code float_data}/{@code double_data} (read in place), other typed fields (varints decoded to
 * memory on first read) or external data files, which must lie inside the model's folder
 * (UNSAFE otherwise).
 *
 * <p><b>Names and orientation.</b> PyTorch's exporter stores a bias-less {@code nn.Linear} as a
 * {@code MatMul} whose second input is the weight transposed, (in, out), often under a
 * generated name such as {@code onnx::MatMul_123}. Such initializers are reported with the
 * PyTorch orientation (out, in) and read back transposed (C order of the (out, in) view), and
 * generated names are recovered from the consuming node:
 * {@code /model/layers.0/self_attn/q_proj/MatMul} → {@code model.layers.0.self_attn.q_proj.weight}.
 * The same holds for {@code Gemm} B inputs with {@code transB = 0}. The original name is kept in
 * {@link #metadata()} under {@code onnx.source_name.<new name>}. Initializers of unsupported
 * element types (strings, complex, 4-bit) are skipped and listed under {@code onnx.skipped}.
 */
public final class OnnxSource extends StridedTensorSource {
    private static final int MAX_NAME = 1 << 16;
    /**
     * Metadata key naming the quantized operators whose weights this reader cannot dequantize (e.g.
     * {@code MatMulNBits (model.layers.0.mlp.up_proj.weight_Q4)}); absent when every quantized weight is read.
     */
    public static final String UNKNOWN_QUANTIZATION_KEY = "onnx.unknown_quantization";

    /**
     * Refuses a quantized model whose ONNX graph holds weights of quantized operators this reader
     * cannot dequantize ({@link #UNKNOWN_QUANTIZATION_KEY}): compared or evaluated without them, the
     * quantized side would silently be part float (issue 16 §7). No-op for any other source.
     *
     * @throws CheckpointFormatException one line naming the file, the operators and their weights
     */
    public static void requireKnownQuantization(dev.rankscope.engine.tensor.TensorSource source) {
        String unknown = source.metadata().get(UNKNOWN_QUANTIZATION_KEY);
        if (unknown != null) {
            throw new CheckpointFormatException(source.path(), Category.UNSUPPORTED, "weights quantized by " + unknown
                    + ", a scheme Rankscope cannot dequantise (it reads DequantizeLinear, MatMulInteger and quantized"
                    + " Gather tables)");
        }
    }

    private final Map<String, String> metadata = new LinkedHashMap<>();

    private OnnxSource(Path path) {
        super(path);
    }

    /** One TensorProto as located in the file (data not read). */
    private static final class Initializer {
        String name = "";
        final List<Long> dims = new ArrayList<>();
        int dataType;
        long[] raw;
        final Map<Integer, List<long[]>> typed = new HashMap<>();
        final Map<String, String> external = new HashMap<>();
        int dataLocation;
        boolean segmented;
    }

    private record Node(String name, String opType, List<String> inputs, List<String> outputs, Map<String, Long> ints) { }

    /**
     * Parses {@code file} and lists its initializers without reading their data.
     *
     * @throws CheckpointFormatException naming the file and the problem
     */
    public static OnnxSource open(Path file) {
        OnnxSource src = new OnnxSource(file);
        List<Initializer> inits = new ArrayList<>();
        List<Node> nodes = new ArrayList<>();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ProtoReader.Input in = new ProtoReader.Input(file, ch);
            ProtoReader model = new ProtoReader(in, 0, in.size());
            boolean graphSeen = false;
            while (model.next()) {
                switch (model.field()) {
                    case 1 -> src.metadata.put("onnx.ir_version", Long.toString(expect(model, ProtoReader.VARINT).varint()));
                    case 2 -> src.metadata.put("onnx.producer_name", expect(model, ProtoReader.LEN).string(MAX_NAME));
                    case 3 -> src.metadata.put("onnx.producer_version", expect(model, ProtoReader.LEN).string(MAX_NAME));
                    case 7 -> {
                        graphSeen = true;
                        parseGraph(expect(model, ProtoReader.LEN).sub(), inits, nodes);
                    }
                    case 8 -> {
                        ProtoReader op = expect(model, ProtoReader.LEN).sub();
                        String domain = "";
                        long version = 0;
                        while (op.next()) {
                            if (op.field() == 1 && op.wireType() == ProtoReader.LEN) {
                                domain = op.string(MAX_NAME);
                            } else if (op.field() == 2 && op.wireType() == ProtoReader.VARINT) {
                                version = op.varint();
                            } else {
                                op.skip();
                            }
                        }
                        src.metadata.put("onnx.opset" + (domain.isEmpty() ? "" : "." + domain), Long.toString(version));
                    }
                    case 14 -> {
                        Map<String, String> kv = stringEntry(expect(model, ProtoReader.LEN).sub());
                        src.metadata.put(kv.getOrDefault("key", ""), kv.getOrDefault("value", ""));
                    }
                    default -> model.skip();
                }
            }
            if (!graphSeen) {
                throw new CheckpointFormatException(file, Category.MALFORMED_HEADER, "ONNX model has no graph");
            }
            src.register(inits, nodes);
        } catch (IOException e) {
            src.close();
            throw new CheckpointFormatException(file, Category.IO, "cannot be read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            src.close();
            throw e;
        }
        return src;
    }

    private static ProtoReader expect(ProtoReader r, int wireType) {
        if (r.wireType() != wireType) {
            throw new CheckpointFormatException(r.file(), Category.MALFORMED_HEADER, "protobuf field " + r.field()
                    + " has wire type " + r.wireType() + ", expected " + wireType);
        }
        return r;
    }

    private static void parseGraph(ProtoReader g, List<Initializer> inits, List<Node> nodes) {
        while (g.next()) {
            if (g.field() == 1 && g.wireType() == ProtoReader.LEN) {
                nodes.add(parseNode(g.sub()));
            } else if (g.field() == 5 && g.wireType() == ProtoReader.LEN) {
                inits.add(parseTensor(g.sub()));
            } else {
                g.skip();
            }
        }
    }

    private static Node parseNode(ProtoReader n) {
        String name = "";
        String op = "";
        List<String> inputs = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        Map<String, Long> ints = new HashMap<>();
        while (n.next()) {
            int f = n.field();
            if (f == 1 && n.wireType() == ProtoReader.LEN) {
                inputs.add(n.string(MAX_NAME));
            } else if (f == 2 && n.wireType() == ProtoReader.LEN) {
                outputs.add(n.string(MAX_NAME));
            } else if (f == 3 && n.wireType() == ProtoReader.LEN) {
                name = n.string(MAX_NAME);
            } else if (f == 4 && n.wireType() == ProtoReader.LEN) {
                op = n.string(MAX_NAME);
            } else if (f == 5 && n.wireType() == ProtoReader.LEN) {
                ProtoReader a = n.sub();
                String attr = null;
                Long i = null;
                while (a.next()) {
                    if (a.field() == 1 && a.wireType() == ProtoReader.LEN) {
                        attr = a.string(MAX_NAME);
                    } else if (a.field() == 3 && a.wireType() == ProtoReader.VARINT) {
                        i = a.varint();
                    } else {
                        a.skip();
                    }
                }
                if (attr != null && i != null) {
                    ints.put(attr, i);
                }
            } else {
                n.skip();
            }
        }
        return new Node(name, op, inputs, outputs, ints);
    }

    private static Initializer parseTensor(ProtoReader t) {
        Initializer init = new Initializer();
        while (t.next()) {
            int f = t.field();
            int wt = t.wireType();
            switch (f) {
                case 1 -> {
                    if (wt == ProtoReader.LEN) {
                        ProtoReader packed = t.sub();
                        while (packed.position() < packed.end()) {
                            init.dims.add(packed.varint());
                        }
                    } else {
                        init.dims.add(expect(t, ProtoReader.VARINT).varint());
                    }
                }
                case 2 -> init.dataType = (int) expect(t, ProtoReader.VARINT).varint();
                case 3 -> {
                    init.segmented = true;
                    t.skip();
                }
                case 8 -> init.name = expect(t, ProtoReader.LEN).string(MAX_NAME);
                case 9 -> init.raw = expect(t, ProtoReader.LEN).skipLengthDelimited();
                case 13 -> {
                    Map<String, String> kv = stringEntry(expect(t, ProtoReader.LEN).sub());
                    init.external.put(kv.getOrDefault("key", ""), kv.getOrDefault("value", ""));
                }
                case 14 -> init.dataLocation = (int) expect(t, ProtoReader.VARINT).varint();
                case 4, 5, 7, 10, 11 -> {
                    List<long[]> items = init.typed.computeIfAbsent(f, k -> new ArrayList<>());
                    switch (wt) {
                        case ProtoReader.LEN -> {
                            long[] r = t.skipLengthDelimited();
                            items.add(new long[] {ProtoReader.LEN, r[0], r[1]});
                        }
                        case ProtoReader.VARINT -> items.add(new long[] {ProtoReader.VARINT, t.varint()});
                        case ProtoReader.FIXED32 -> items.add(new long[] {ProtoReader.FIXED32, t.fixed32()});
                        default -> items.add(new long[] {ProtoReader.FIXED64, t.fixed64()});
                    }
                }
                default -> t.skip();
            }
        }
        return init;
    }

    private static Map<String, String> stringEntry(ProtoReader e) {
        Map<String, String> kv = new HashMap<>();
        while (e.next()) {
            if (e.field() == 1 && e.wireType() == ProtoReader.LEN) {
                kv.put("key", e.string(MAX_NAME));
            } else if (e.field() == 2 && e.wireType() == ProtoReader.LEN) {
                kv.put("value", e.string(MAX_NAME));
            } else {
                e.skip();
            }
        }
        return kv;
    }

    private static DType dtype(int onnxType) {
        return switch (onnxType) {
            case 1 -> DType.F32;
            case 2 -> DType.U8;
            case 3 -> DType.I8;
            case 4 -> DType.U16;
            case 5 -> DType.I16;
            case 6 -> DType.I32;
            case 7 -> DType.I64;
            case 9 -> DType.BOOL;
            case 10 -> DType.F16;
            case 11 -> DType.F64;
            case 12 -> DType.U32;
            case 13 -> DType.U64;
            case 16 -> DType.BF16;
            case 17 -> DType.F8_E4M3;
            case 19 -> DType.F8_E5M2;
            default -> null;
        };
    }

    /** Whether an initializer name was generated by the exporter rather than taken from a module. */
    static boolean isGeneratedName(String name) {
        return name.startsWith("onnx::") || name.contains("::") || name.startsWith("/") || name.matches("[0-9]+");
    }

    /** {@code /model/layers.0/self_attn/q_proj/MatMul} → {@code model.layers.0.self_attn.q_proj}; null if none. */
    static String modulePath(String nodeName) {
        String s = nodeName.startsWith("/") ? nodeName.substring(1) : nodeName;
        int last = s.lastIndexOf('/');
        if (last <= 0) {
            return null;
        }
        String module = s.substring(0, last).replace('/', '.');
        return module.isEmpty() ? null : module;
    }

    private void register(List<Initializer> inits, List<Node> nodes) {
        Map<String, Node> firstConsumer = new HashMap<>();
        Map<String, Integer> inputIndex = new HashMap<>();
        for (Node n : nodes) {
            for (int i = 0; i < n.inputs().size(); i++) {
                String in = n.inputs().get(i);
                if (firstConsumer.putIfAbsent(in, n) == null) {
                    inputIndex.put(in, i);
                }
            }
        }
        Set<String> taken = new HashSet<>();
        for (Initializer init : inits) {
            taken.add(init.name);
        }
        List<String> skipped = new ArrayList<>();
        for (Initializer init : inits) {
            DType dt = dtype(init.dataType);
            if (dt == null || init.segmented) {
                skipped.add(init.name);
                continue;
            }
            long[] stored = new long[init.dims.size()];
            for (int i = 0; i < stored.length; i++) {
                stored[i] = init.dims.get(i);
            }
            long numel = Shapes.numel(path(), init.name, stored);
            long bytes = Shapes.byteSize(path(), init.name, dt, numel);
            Node consumer = firstConsumer.get(init.name);
            int idx = inputIndex.getOrDefault(init.name, -1);
            boolean weightInput = consumer != null && idx == 1
                    && (consumer.opType().equals("MatMul") || consumer.opType().equals("Gemm"));
            boolean transposed = stored.length == 2 && weightInput
                    && (consumer.opType().equals("MatMul") || consumer.ints().getOrDefault("transB", 0L) == 0L);
            String name = init.name;
            if (isGeneratedName(name) && consumer != null) {
                String module = modulePath(consumer.name());
                String suffix = weightInput ? ".weight"
                        : consumer.opType().equals("Gemm") && idx == 2 ? ".bias" : null;
                if (module != null && suffix != null && !taken.contains(module + suffix)) {
                    name = module + suffix;
                    taken.add(name);
                    metadata.put("onnx.source_name." + name, init.name);
                }
            }
            Location loc = location(init, dt, numel, bytes);
            long[] shape = transposed ? new long[] {stored[1], stored[0]} : stored;
            long[] strides = transposed ? new long[] {1, stored[1]} : contiguousStrides(stored);
            addView(new TensorInfo(name, dt, shape, bytes), loc, strides, 0, numel);
        }
        if (!skipped.isEmpty()) {
            metadata.put("onnx.skipped", String.join(", ", skipped));
        }
        OnnxDequantization.register(this, inits.stream().map(i -> i.name).toList(), nodes.stream()
                .map(n -> new OnnxDequantization.Node(n.name(), n.opType(), n.inputs(), n.outputs(), n.ints())).toList(),
                taken);
    }

    /** Registers a dequantized weight (called by {@link OnnxDequantization} from the constructor path). */
    void addDequantized(TensorInfo info, String key, java.util.function.Supplier<byte[]> float64Bytes,
                        Map<String, String> facts) {
        metadata.putAll(facts);
        if (info == null) {
            return;
        }
        Path mem = memoryFile(key, float64Bytes);
        long numel = info.numel();
        addView(info, new Location(mem, 0, DType.F64, ByteOrder.LITTLE_ENDIAN), contiguousStrides(info.shape()), 0, numel);
    }

    private Location location(Initializer init, DType dt, long numel, long bytes) {
        String name = init.name;
        if (init.dataLocation == 1 || !init.external.isEmpty()) {
            return externalLocation(init, dt, bytes);
        }
        if (init.raw != null) {
            if (init.raw[1] != bytes) {
                throw new CheckpointFormatException(path(), Category.SIZE_MISMATCH, "initializer '" + name + "' raw_data has "
                        + init.raw[1] + " bytes, shape and type need " + bytes);
            }
            return new Location(path(), init.raw[0], dt, ByteOrder.LITTLE_ENDIAN);
        }
        int field = switch (dt) {
            case F32 -> 4;
            case F64 -> 10;
            case I64 -> 7;
            case U32, U64 -> 11;
            default -> 5;
        };
        List<long[]> items = init.typed.getOrDefault(field, List.of());
        if (numel == 0) {
            return new Location(path(), 0, dt, ByteOrder.LITTLE_ENDIAN);
        }
        if (items.isEmpty()) {
            throw new CheckpointFormatException(path(), Category.SIZE_MISMATCH, "initializer '" + name + "' has no data");
        }
        // Packed float/double fields are already little-endian IEEE arrays: read in place.
        if ((field == 4 || field == 10) && items.size() == 1 && items.get(0)[0] == ProtoReader.LEN) {
            if (items.get(0)[2] != bytes) {
                throw new CheckpointFormatException(path(), Category.SIZE_MISMATCH, "initializer '" + name + "' holds "
                        + items.get(0)[2] + " bytes of values, shape needs " + bytes);
            }
            return new Location(path(), items.get(0)[1], dt, ByteOrder.LITTLE_ENDIAN);
        }
        if (bytes > Integer.MAX_VALUE - 8) {
            throw new CheckpointFormatException(path(), Category.TOO_LARGE, "initializer '" + name + "' is too large to decode in memory");
        }
        Path file = path();
        Path mem = memoryFile(name, () -> decodeTyped(file, name, field, items, dt, numel, (int) bytes));
        return new Location(mem, 0, dt, ByteOrder.LITTLE_ENDIAN);
    }

    /** Decodes typed protobuf values into little-endian bytes of {@code dt}. */
    private static byte[] decodeTyped(Path file, String name, int field, List<long[]> items, DType dt, long numel, int bytes) {
        ByteBuffer out = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ProtoReader.Input in = new ProtoReader.Input(file, ch);
            long n = 0;
            for (long[] item : items) {
                if (item[0] == ProtoReader.LEN) {
                    ProtoReader r = new ProtoReader(in, item[1], item[1] + item[2]);
                    while (r.position() < r.end()) {
                        long v = field == 4 ? r.fixed32() : field == 10 ? r.fixed64() : r.varint();
                        put(out, dt, v, file, name, ++n, numel);
                    }
                } else {
                    put(out, dt, item[1], file, name, ++n, numel);
                }
            }
            if (n != numel) {
                throw new CheckpointFormatException(file, Category.SIZE_MISMATCH, "initializer '" + name + "' holds "
                        + n + " values, shape needs " + numel);
            }
        } catch (IOException e) {
            throw new CheckpointFormatException(file, Category.IO, "cannot be read: " + e.getMessage(), e);
        }
        return out.array();
    }

    private static void put(ByteBuffer out, DType dt, long v, Path file, String name, long n, long numel) {
        if (n > numel) {
            throw new CheckpointFormatException(file, Category.SIZE_MISMATCH, "initializer '" + name
                    + "' holds more values than its shape (" + numel + ")");
        }
        switch (dt.bytesPerBlock()) {
            case 1 -> out.put((byte) v);
            case 2 -> out.putShort((short) v);
            case 4 -> out.putInt((int) v);
            default -> out.putLong(v);
        }
    }

    private Location externalLocation(Initializer init, DType dt, long bytes) {
        String location = init.external.get("location");
        if (location == null || location.isEmpty()) {
            throw new CheckpointFormatException(path(), Category.MALFORMED_HEADER, "initializer '" + init.name
                    + "' is external but names no location");
        }
        Path dir = path().toAbsolutePath().getParent();
        Path target;
        boolean escapes;
        try {
            target = dir.resolve(location).normalize();
            escapes = Path.of(location).isAbsolute() || !target.startsWith(dir);
        } catch (java.nio.file.InvalidPathException e) {
            // e.g. a NUL character (found by the ONNX fuzz target): not a file name on this system
            throw new CheckpointFormatException(path(), Category.UNSAFE, "initializer '" + init.name
                    + "' names external data '" + location.replace('\0', '?') + "' that is not a valid file name; refusing to read it");
        }
        try {
            if (!escapes && Files.exists(target) && !target.toRealPath().startsWith(dir.toRealPath())) {
                escapes = true;
            }
        } catch (IOException e) {
            throw new CheckpointFormatException(path(), Category.IO, "external data '" + location + "' cannot be resolved", e);
        }
        if (escapes) {
            throw new CheckpointFormatException(path(), Category.UNSAFE, "initializer '" + init.name + "' points at external data '"
                    + location + "' outside the model's folder; refusing to read it");
        }
        if (!Files.isRegularFile(target)) {
            throw new CheckpointFormatException(path(), Category.IO, "external data file '" + location + "' is missing");
        }
        long offset;
        long length;
        long size;
        try {
            size = Files.size(target);
            offset = Long.parseLong(init.external.getOrDefault("offset", "0"));
            length = init.external.containsKey("length") ? Long.parseLong(init.external.get("length")) : size - offset;
        } catch (NumberFormatException e) {
            throw new CheckpointFormatException(path(), Category.MALFORMED_HEADER, "initializer '" + init.name
                    + "' has a non-numeric external offset or length", e);
        } catch (IOException e) {
            throw new CheckpointFormatException(path(), Category.IO, "external data '" + location + "' cannot be read", e);
        }
        if (offset < 0 || length < bytes || offset > size || bytes > size - offset) {
            throw new CheckpointFormatException(path(), Category.TRUNCATED, "initializer '" + init.name + "' needs " + bytes
                    + " bytes at offset " + offset + " of '" + location + "' (" + size + " bytes, declared length " + length + ")");
        }
        return new Location(target, offset, dt, ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public String format() {
        return "onnx";
    }

    @Override
    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }
}
