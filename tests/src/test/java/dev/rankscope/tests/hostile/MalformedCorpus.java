package dev.rankscope.tests.hostile;

import dev.rankscope.engine.tensor.CheckpointFormatException.Category;
import dev.rankscope.engine.peft.PeftAdapterConfig;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.tests.hostile.gen.Bytes;
import dev.rankscope.tests.hostile.gen.GgufBytes;
import dev.rankscope.tests.hostile.gen.NpyBytes;
import dev.rankscope.tests.hostile.gen.OnnxBytes;
import dev.rankscope.tests.hostile.gen.PickleBytes;
import dev.rankscope.tests.hostile.gen.SafetensorsBytes;
import dev.rankscope.tests.hostile.gen.SafetensorsBytes.Entry;
import dev.rankscope.tests.hostile.gen.TorchBytes;
import dev.rankscope.tests.hostile.gen.ZipBytes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The malformed-file corpus of the hostile-input suite: every case is generated here from the byte builders in
 * {@code gen} (nothing is a hand-edited binary), names the format it attacks and the exact
 * {@link Category} a user must be shown, or {@code null} for valid edge cases that must open and
 * read. Pickle cases carry a shell command that would create {@link #MARKER} in the case's folder
 * if anything executed it.
 */
final class MalformedCorpus {
    /** Name of the file a hostile pickle would create if its payload ran. */
    static final String MARKER = "PWNED";

    /** Writes a case's files into an empty folder and returns the path the user opens. */
    @FunctionalInterface
    interface Fixture {
        Path create(Path dir) throws IOException;
    }

    /** What the user does with a case's path: open, list and read it, or parse an adapter config. */
    @FunctionalInterface
    interface Action {
        void run(Path path);
    }

    /** The default action: open through the standard registry, list, read every tensor, close. */
    static final Action OPEN_LIST_READ = path -> Probe.openListRead(path);

    /** Reading a PEFT {@code adapter_config.json}, as opening an adapter folder does first. */
    static final Action READ_ADAPTER_CONFIG = path -> PeftAdapterConfig.read(path);

    /**
     * One corpus case.
     *
     * @param id        stable identifier, {@code format-problem}
     * @param format    format family attacked (safetensors, pytorch, numpy, gguf, onnx, peft)
     * @param expected  category the engine must report, or {@code null} when the file is valid
     * @param namedFile file name the message must contain (null: the opened path's name)
     * @param fixture   generator
     * @param action    what is done with the path (and, for valid cases, what is checked)
     */
    record Case(String id, String format, Category expected, String namedFile, Fixture fixture, Action action) {
        Case(String id, String format, Category expected, String namedFile, Fixture fixture) {
            this(id, format, expected, namedFile, fixture, OPEN_LIST_READ);
        }

        @Override
        public String toString() {
            return id + " → " + (expected == null ? "opens" : expected);
        }
    }

    private MalformedCorpus() {
    }

    static List<Case> all() {
        List<Case> c = new ArrayList<>();
        safetensors(c);
        sharded(c);
        pytorch(c);
        numpy(c);
        gguf(c);
        onnx(c);
        peft(c);
        return c;
    }

    // ---------------------------------------------------------------- safetensors (SPEC §6)

    private static final String ST = "model.safetensors";
    private static final String W = "{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48]}";
    private static final byte[] W_DATA = Bytes.f32s(Bytes.ramp(12));

    private static void safetensors(List<Case> c) {
        c.add(file("st-valid", "safetensors", null, ST, SafetensorsBytes.small()));
        c.add(file("st-zero-sized-tensor", "safetensors", null, ST, SafetensorsBytes.file(SafetensorsBytes.header(null,
                new Entry("empty", "F32", "[0,4]", 0, 0), new Entry("w", "F32", "[3,4]", 0, 48)), W_DATA)));
        c.add(file("st-empty-header", "safetensors", null, ST, SafetensorsBytes.file("{}", new byte[0])));
        c.add(file("st-shorter-than-length-field", "safetensors", Category.TRUNCATED, ST, new byte[] {8, 0, 0}));
        c.add(file("st-header-length-beyond-file", "safetensors", Category.TRUNCATED, ST,
                SafetensorsBytes.withDeclaredLength(4096, ("{\"w\":" + W + "}").getBytes(StandardCharsets.UTF_8), W_DATA)));
        c.add(file("st-header-length-over-100MB", "safetensors", Category.TOO_LARGE, ST,
                SafetensorsBytes.withDeclaredLength(100_000_001L, "{}".getBytes(StandardCharsets.UTF_8), new byte[0])));
        c.add(file("st-header-length-2^63", "safetensors", Category.TOO_LARGE, ST,
                SafetensorsBytes.withDeclaredLength(Long.MIN_VALUE, "{}".getBytes(StandardCharsets.UTF_8), new byte[0])));
        c.add(file("st-truncated-header", "safetensors", Category.TRUNCATED, ST, Bytes.head(SafetensorsBytes.small(), 40)));
        c.add(file("st-truncated-data", "safetensors", Category.TRUNCATED, ST, Bytes.chop(SafetensorsBytes.small(), 6)));
        c.add(file("st-trailing-bytes", "safetensors", Category.BAD_OFFSETS, ST,
                new Bytes().bytes(SafetensorsBytes.small()).u32(0xDEADBEEFL).toArray()));
        c.add(file("st-invalid-utf8", "safetensors", Category.MALFORMED_HEADER, ST, SafetensorsBytes.file(
                new String(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', ':', '1', '}'}, StandardCharsets.ISO_8859_1),
                new byte[0])));
        c.add(file("st-invalid-json", "safetensors", Category.MALFORMED_HEADER, ST,
                SafetensorsBytes.file("{\"w\":" + W.substring(0, W.length() - 1) + ",}", W_DATA)));
        c.add(file("st-header-not-object", "safetensors", Category.MALFORMED_HEADER, ST,
                SafetensorsBytes.file("[1,2,3]", new byte[0])));
        c.add(file("st-duplicate-names", "safetensors", Category.DUPLICATE_NAME, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("w", "F32", "[3,4]", 0, 48), new Entry("w", "F32", "[3,4]", 48, 96)),
                new Bytes().bytes(W_DATA).bytes(W_DATA).toArray())));
        c.add(file("st-overlapping-offsets", "safetensors", Category.BAD_OFFSETS, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("a", "F32", "[3,4]", 0, 48), new Entry("b", "F32", "[2]", 40, 48)),
                W_DATA)));
        c.add(file("st-gapped-offsets", "safetensors", Category.BAD_OFFSETS, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("a", "F32", "[2]", 0, 8), new Entry("b", "F32", "[2]", 16, 24)),
                new byte[24])));
        c.add(file("st-offsets-beyond-file", "safetensors", Category.TRUNCATED, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("a", "F32", "[1000000]", 0, 4_000_000)), W_DATA)));
        c.add(file("st-offsets-reversed", "safetensors", Category.BAD_OFFSETS, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("a", "F32", "[0]", 8, 0)), new byte[8])));
        c.add(file("st-size-mismatch", "safetensors", Category.SIZE_MISMATCH, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("w", "F32", "[3,4]", 0, 40)), Bytes.head(W_DATA, 40))));
        c.add(file("st-unknown-dtype", "safetensors", Category.UNSUPPORTED, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("w", "F128", "[3]", 0, 48)), W_DATA)));
        c.add(file("st-negative-dim", "safetensors", Category.SIZE_MISMATCH, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("w", "F32", "[-3,-4]", 0, 48)), W_DATA)));
        c.add(file("st-shape-product-overflows-64bit", "safetensors", Category.SIZE_MISMATCH, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("w", "F32", "[4294967296,4294967296,16]", 0, 48)), W_DATA)));
        c.add(file("st-dim-beyond-long", "safetensors", Category.SIZE_MISMATCH, ST, SafetensorsBytes.file(
                SafetensorsBytes.header(null, new Entry("w", "F32", "[99999999999999999999999]", 0, 48)), W_DATA)));
        c.add(file("st-deeply-nested-json", "safetensors", Category.TOO_LARGE, ST, SafetensorsBytes.file(
                "{\"w\":{\"dtype\":\"F32\",\"shape\":[3,4],\"data_offsets\":[0,48],\"x\":" + "[".repeat(100_000)
                        + "]".repeat(100_000) + "}}", W_DATA)));
        c.add(file("st-metadata-not-strings", "safetensors", Category.MALFORMED_HEADER, ST, SafetensorsBytes.file(
                "{\"__metadata__\":{\"k\":1},\"w\":" + W + "}", W_DATA)));
        c.add(file("st-nan-inf-weights", "safetensors", null, ST, SafetensorsBytes.validF32(new String[] {"w"},
                new int[][] {{2, 3}}, new float[][] {{Float.NaN, 1, 2, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0}})));
    }

    private static void sharded(List<Case> c) {
        String index = "model.safetensors.index.json";
        c.add(new Case("st-sharded-valid", "safetensors", null, null, dir -> {
            Files.write(dir.resolve("model-00001-of-00002.safetensors"), SafetensorsBytes.validF32(
                    new String[] {"a.weight"}, new int[][] {{2, 2}}, new float[][] {Bytes.ramp(4)}));
            Files.write(dir.resolve("model-00002-of-00002.safetensors"), SafetensorsBytes.validF32(
                    new String[] {"b.weight"}, new int[][] {{2, 3}}, new float[][] {Bytes.ramp(6)}));
            return write(dir, index, "{\"metadata\":{\"total_size\":40},\"weight_map\":{\"a.weight\":"
                    + "\"model-00001-of-00002.safetensors\",\"b.weight\":\"model-00002-of-00002.safetensors\"}}");
        }));
        c.add(new Case("st-sharded-index-escapes-folder", "safetensors", Category.UNSAFE, index, dir -> {
            Path inner = Files.createDirectory(dir.resolve("model"));
            Files.write(dir.resolve("outside.safetensors"), SafetensorsBytes.small());
            return write(inner, index, "{\"weight_map\":{\"layer.0.weight\":\"../outside.safetensors\"}}");
        }));
        c.add(new Case("st-sharded-index-absolute-path", "safetensors", Category.UNSAFE, index, dir ->
                write(dir, index, "{\"weight_map\":{\"w\":\"/etc/passwd\"}}")));
        c.add(new Case("st-sharded-missing-shard", "safetensors", Category.IO, "model-00002-of-00002.safetensors", dir -> {
            Files.write(dir.resolve("model-00001-of-00002.safetensors"), SafetensorsBytes.small());
            return write(dir, index, "{\"weight_map\":{\"layer.0.weight\":\"model-00001-of-00002.safetensors\","
                    + "\"x\":\"model-00002-of-00002.safetensors\"}}");
        }));
        c.add(new Case("st-sharded-tensor-not-in-shard", "safetensors", Category.MALFORMED_HEADER, null, dir -> {
            Files.write(dir.resolve("model-00001-of-00001.safetensors"), SafetensorsBytes.small());
            return write(dir, index, "{\"weight_map\":{\"ghost.weight\":\"model-00001-of-00001.safetensors\"}}");
        }));
        c.add(new Case("st-sharded-index-invalid-json", "safetensors", Category.MALFORMED_HEADER, index, dir ->
                write(dir, index, "{\"weight_map\":{\"w\":")));
        c.add(new Case("st-sharded-index-deeply-nested", "safetensors", Category.TOO_LARGE, index, dir ->
                write(dir, index, "{\"metadata\":" + "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000)
                        + ",\"weight_map\":{\"w\":\"x.safetensors\"}}")));
    }

    // ---------------------------------------------------------------- PyTorch zip + pickle

    private static final String PT = "pytorch_model.bin";

    private static void pytorch(List<Case> c) {
        c.add(file("pt-valid", "pytorch", null, PT, TorchBytes.small()));
        c.add(marker("pt-pickle-os-system", dir -> TorchBytes.withPickle(PickleBytes.call("os", "system", touch(dir)))));
        c.add(marker("pt-pickle-posix-system", dir -> TorchBytes.withPickle(PickleBytes.call("posix", "system", touch(dir)))));
        c.add(marker("pt-pickle-builtins-eval", dir -> TorchBytes.withPickle(PickleBytes.call("builtins", "eval",
                "__import__('os').system('" + touch(dir) + "')"))));
        c.add(marker("pt-pickle-subprocess-popen", dir -> TorchBytes.withPickle(PickleBytes.popen(touch(dir)))));
        c.add(marker("pt-pickle-stack-global-os-system", dir ->
                TorchBytes.withPickle(PickleBytes.stackGlobalCall("os", "system", touch(dir)))));
        c.add(marker("pt-pickle-global-inside-state-dict", dir -> {
            PickleBytes p = new PickleBytes().proto(2).orderedDict().mark().str("w")
                    .global("os", "system").mark().str(touch(dir)).tuple().reduce();
            return TorchBytes.withPickle(p.op('u').stop().toArray());
        }));
        c.add(file("pt-legacy-pickle", "pytorch", Category.UNSUPPORTED, PT,
                new Bytes().bytes(new byte[] {(byte) 0x80, 2, (byte) 0x8a, 10}).bytes(new byte[10]).u8('.').toArray()));
        c.add(file("pt-zip-path-traversal", "pytorch", Category.UNSAFE, PT, new ZipBytes()
                .stored("../../archive/data.pkl", PickleBytes.stateDict(new String[0], new long[0][])).toArray()));
        c.add(file("pt-zip-absolute-entry", "pytorch", Category.UNSAFE, PT, new ZipBytes()
                .stored("/archive/data.pkl", PickleBytes.stateDict(new String[0], new long[0][])).toArray()));
        c.add(file("pt-zip-bomb-declared-size", "pytorch", Category.TOO_LARGE, PT, new ZipBytes()
                .zeroBomb("archive/data.pkl", 1 << 20, 0xFFFF_FFF0L).toArray()));
        c.add(file("pt-zip-bomb-real", "pytorch", Category.TOO_LARGE, PT, new ZipBytes()
                .zeroBomb("archive/data.pkl", 300L << 20, 300L << 20).toArray()));
        c.add(file("pt-zip-truncated", "pytorch", Category.MALFORMED_HEADER, PT, Bytes.chop(TorchBytes.small(), 30)));
        c.add(file("pt-zip-duplicate-entries", "pytorch", Category.DUPLICATE_NAME, PT, new ZipBytes()
                .stored("archive/data.pkl", PickleBytes.stateDict(new String[0], new long[0][]))
                .stored("archive/data.pkl", PickleBytes.stateDict(new String[0], new long[0][])).toArray()));
        c.add(file("pt-pickle-truncated", "pytorch", Category.TRUNCATED, PT, TorchBytes.withPickle(
                Bytes.chop(PickleBytes.stateDict(new String[] {"w"}, new long[][] {{3, 4}}), 1))));
        c.add(file("pt-pickle-string-length-lies", "pytorch", Category.TRUNCATED, PT, TorchBytes.withPickle(
                new PickleBytes().proto(2).lyingStr(0x7FFF_FFF0L, "w").stop().toArray())));
        c.add(file("pt-storage-missing", "pytorch", Category.BAD_OFFSETS, PT, TorchBytes.withPickle(
                PickleBytes.stateDict(new String[] {"w"}, new long[][] {{3, 4}}))));
        c.add(file("pt-storage-too-small", "pytorch", Category.SIZE_MISMATCH, PT, new ZipBytes()
                .stored("archive/data.pkl", PickleBytes.stateDict(new String[] {"w"}, new long[][] {{300, 400}}))
                .stored("archive/data/0", W_DATA).toArray()));
        c.add(file("pt-negative-size", "pytorch", Category.SIZE_MISMATCH, PT, new ZipBytes()
                .stored("archive/data.pkl", new PickleBytes().proto(2).orderedDict().mark().str("w")
                        .tensor("FloatStorage", "0", 12, 0, new long[] {-3, -4}, new long[] {4, 1}).op('u').stop().toArray())
                .stored("archive/data/0", W_DATA).toArray()));
        c.add(file("pt-view-beyond-storage", "pytorch", Category.BAD_OFFSETS, PT, new ZipBytes()
                .stored("archive/data.pkl", new PickleBytes().proto(2).orderedDict().mark().str("w")
                        .tensor("FloatStorage", "0", 12, 10, new long[] {3, 4}, new long[] {4, 1}).op('u').stop().toArray())
                .stored("archive/data/0", W_DATA).toArray()));
    }

    // ---------------------------------------------------------------- NumPy

    private static void numpy(List<Case> c) {
        String npy = "w.npy";
        c.add(file("npy-valid", "numpy", null, npy, NpyBytes.small()));
        c.add(file("npy-zero-size", "numpy", null, npy, NpyBytes.npy(1, NpyBytes.f32Dict("(0, 4)"), new byte[0])));
        c.add(file("npy-fortran-order", "numpy", null, npy, NpyBytes.npy(1,
                "{'descr': '<f4', 'fortran_order': True, 'shape': (3, 4), }", W_DATA)));
        c.add(file("npy-bad-magic", "numpy", Category.UNKNOWN_FORMAT, npy,
                new Bytes().u8(0x93).ascii("NUMPX").bytes(Bytes.head(NpyBytes.small(), 200)).toArray()));
        c.add(file("npy-header-not-dict", "numpy", Category.MALFORMED_HEADER, npy, NpyBytes.npy(1, "[1, 2, 3]", W_DATA)));
        c.add(file("npy-header-garbage", "numpy", Category.MALFORMED_HEADER, npy,
                NpyBytes.npy(1, "{'descr': '<f4', 'shape': (3, 4), 'fortran_order': Fals", W_DATA)));
        c.add(file("npy-object-dtype", "numpy", Category.UNSAFE, npy, NpyBytes.npy(1,
                "{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new byte[16])));
        c.add(file("npy-unknown-dtype", "numpy", Category.UNSUPPORTED, npy, NpyBytes.npy(1,
                "{'descr': '<c32', 'fortran_order': False, 'shape': (2,), }", new byte[64])));
        c.add(file("npy-version-9", "numpy", Category.UNSUPPORTED, npy, NpyBytes.npy(9, NpyBytes.f32Dict("(3, 4)"), W_DATA)));
        c.add(file("npy-header-length-beyond-file", "numpy", Category.TRUNCATED, npy, Bytes.head(NpyBytes.small(), 40)));
        c.add(file("npy-truncated-data", "numpy", Category.TRUNCATED, npy, Bytes.chop(NpyBytes.small(), 4)));
        c.add(file("npy-negative-shape", "numpy", Category.SIZE_MISMATCH, npy,
                NpyBytes.npy(1, NpyBytes.f32Dict("(-3, 4)"), W_DATA)));
        c.add(file("npy-shape-product-overflows-64bit", "numpy", Category.SIZE_MISMATCH, npy,
                NpyBytes.npy(1, NpyBytes.f32Dict("(4294967296, 4294967296, 16)"), W_DATA)));
        c.add(file("npz-valid", "numpy", null, "weights.npz", NpyBytes.smallNpz()));
        c.add(file("npz-path-traversal", "numpy", Category.UNSAFE, "weights.npz",
                new ZipBytes().stored("../../w.npy", NpyBytes.small()).toArray()));
        c.add(file("npz-zip-bomb", "numpy", Category.TOO_LARGE, "weights.npz",
                new ZipBytes().zeroBomb("w.npy", 1 << 20, 0xFFFF_FFF0L).toArray()));
    }

    // ---------------------------------------------------------------- GGUF (SPEC §6)

    private static final String GG = "model.gguf";

    private static void gguf(List<Case> c) {
        c.add(file("gguf-valid", "gguf", null, GG, GgufBytes.small().toArray()));
        // Formats are chosen by content (a .gguf name holding an .npz must open as .npz), so bad magic is UNKNOWN_FORMAT.
        c.add(file("gguf-bad-magic", "gguf", Category.UNKNOWN_FORMAT, GG, GgufBytes.small().magic("GGUX").toArray()));
        c.add(file("gguf-version-99", "gguf", Category.UNSUPPORTED, GG, GgufBytes.small().version(99).toArray()));
        c.add(file("gguf-absurd-tensor-count", "gguf", Category.TOO_LARGE, GG,
                GgufBytes.small().tensorCount(1L << 60).toArray()));
        c.add(file("gguf-absurd-kv-count", "gguf", Category.TOO_LARGE, GG, GgufBytes.small().kvCount(1L << 60).toArray()));
        c.add(file("gguf-absurd-string-length", "gguf", Category.TOO_LARGE, GG, new GgufBytes()
                .kvRaw(new Bytes().u64(1L << 62).ascii("general.name").u32(8).bytes(GgufBytes.str("x")).toArray())
                .toArray()));
        c.add(file("gguf-absurd-array-count", "gguf", Category.TOO_LARGE, GG, new GgufBytes()
                .kvRaw(new Bytes().bytes(GgufBytes.str("tokenizer.ggml.tokens")).u32(9).u32(8).u64(1L << 61).toArray())
                .toArray()));
        c.add(file("gguf-truncated-header", "gguf", Category.TRUNCATED, GG, Bytes.head(GgufBytes.small().toArray(), 60)));
        c.add(file("gguf-truncated-data", "gguf", Category.TRUNCATED, GG, Bytes.chop(GgufBytes.small().toArray(), 8)));
        c.add(file("gguf-misaligned-offset", "gguf", Category.BAD_OFFSETS, GG, new GgufBytes()
                .tensor("w", new long[] {4, 3}, GgufBytes.F32, 3).data(new byte[64]).toArray()));
        c.add(file("gguf-offset-beyond-file", "gguf", Category.TRUNCATED, GG, new GgufBytes()
                .tensor("w", new long[] {4, 3}, GgufBytes.F32, 1L << 40).data(W_DATA).toArray()));
        c.add(file("gguf-overlapping-tensors", "gguf", Category.BAD_OFFSETS, GG, new GgufBytes()
                .tensor("a", new long[] {4, 3}, GgufBytes.F32, 0).tensor("b", new long[] {4, 3}, GgufBytes.F32, 32)
                .data(new byte[96]).toArray()));
        c.add(file("gguf-duplicate-names", "gguf", Category.DUPLICATE_NAME, GG, new GgufBytes()
                .tensor("w", new long[] {4, 3}, GgufBytes.F32, 0).tensor("w", new long[] {4, 3}, GgufBytes.F32, 64)
                .data(new byte[112]).toArray()));
        c.add(file("gguf-unknown-type", "gguf", Category.UNSUPPORTED, GG, new GgufBytes()
                .tensor("w", new long[] {4, 3}, 999, 0).data(W_DATA).toArray()));
        c.add(file("gguf-dims-overflow", "gguf", Category.SIZE_MISMATCH, GG, new GgufBytes()
                .tensor("w", new long[] {1L << 32, 1L << 32, 16}, GgufBytes.F32, 0).data(W_DATA).toArray()));
        c.add(file("gguf-absurd-n-dims", "gguf", Category.MALFORMED_HEADER, GG, new Bytes().ascii("GGUF").u32(3).u64(1).u64(0)
                .bytes(GgufBytes.str("w")).u32(0x7FFF_FFFF).u64(4).toArray()));
        c.add(file("gguf-q8-block-misfit", "gguf", Category.SIZE_MISMATCH, GG, new GgufBytes()
                .tensor("w", new long[] {33, 1}, GgufBytes.Q8_0, 0).data(new byte[68]).toArray()));
    }

    // ---------------------------------------------------------------- ONNX (protobuf)

    private static final String OX = "model.onnx";

    private static void onnx(List<Case> c) {
        c.add(file("onnx-valid", "onnx", null, OX, OnnxBytes.small()));
        c.add(file("onnx-truncated-varint", "onnx", Category.TRUNCATED, OX,
                new Bytes().bytes(OnnxBytes.small()).u8(0x08).u8(0x80).u8(0x80).toArray()));
        c.add(file("onnx-varint-too-long", "onnx", Category.MALFORMED_HEADER, OX, new Bytes().u8(0x08)
                .bytes(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF,
                        (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x01}).toArray()));
        c.add(file("onnx-length-beyond-file", "onnx", Category.TRUNCATED, OX,
                new OnnxBytes().tagVarint(1, 8).tagLyingBytes(7, 1L << 40, new byte[] {0x12, 0x01, 'g'}).toArray()));
        c.add(file("onnx-truncated-model", "onnx", Category.TRUNCATED, OX, Bytes.chop(OnnxBytes.small(), 5)));
        c.add(file("onnx-raw-data-size-mismatch", "onnx", Category.SIZE_MISMATCH, OX, OnnxBytes.model(
                OnnxBytes.tensor("w", new long[] {3, 4}, OnnxBytes.FLOAT, Bytes.head(W_DATA, 40)))));
        c.add(file("onnx-negative-dims", "onnx", Category.SIZE_MISMATCH, OX, OnnxBytes.model(
                OnnxBytes.tensor("w", new long[] {-3, -4}, OnnxBytes.FLOAT, W_DATA))));
        c.add(file("onnx-dims-overflow", "onnx", Category.SIZE_MISMATCH, OX, OnnxBytes.model(
                OnnxBytes.tensor("w", new long[] {1L << 32, 1L << 32, 16}, OnnxBytes.FLOAT, W_DATA))));
        c.add(new Case("onnx-unknown-data-type-listed-as-skipped", "onnx", null, OX, dir -> {
            Path p = dir.resolve(OX);
            Files.write(p, OnnxBytes.model(OnnxBytes.tensor("odd", new long[] {3, 4}, 99, W_DATA),
                    OnnxBytes.tensor("w", new long[] {3, 4}, OnnxBytes.FLOAT, W_DATA)));
            return p;
        }, path -> {
            try (TensorSource source = Checkpoints.open(path)) {
                Probe.listRead(source);
                if (source.find("odd").isPresent() || !source.metadata().getOrDefault("onnx.skipped", "").contains("odd")) {
                    throw new AssertionError("an initializer of unknown type must be skipped and reported, not decoded");
                }
            }
        }));
        c.add(file("onnx-float-data-count-mismatch", "onnx", Category.SIZE_MISMATCH, OX, OnnxBytes.model(
                new OnnxBytes().tagVarint(1, 3).tagVarint(1, 4).tagVarint(2, OnnxBytes.FLOAT)
                        .tagBytes(4, Bytes.f32s(Bytes.ramp(5))).tagBytes(8, "w".getBytes(StandardCharsets.UTF_8)).toArray())));
        c.add(file("onnx-duplicate-initializers", "onnx", Category.DUPLICATE_NAME, OX, OnnxBytes.model(
                OnnxBytes.tensor("w", new long[] {3, 4}, OnnxBytes.FLOAT, W_DATA),
                OnnxBytes.tensor("w", new long[] {3, 4}, OnnxBytes.FLOAT, W_DATA))));
        c.add(new Case("onnx-external-data-escapes-folder", "onnx", Category.UNSAFE, OX, dir -> {
            Path inner = Files.createDirectory(dir.resolve("m"));
            Files.write(dir.resolve("secret.bin"), W_DATA);
            byte[] ext = new OnnxBytes().tagBytes(1, "location".getBytes(StandardCharsets.UTF_8))
                    .tagBytes(2, "../secret.bin".getBytes(StandardCharsets.UTF_8)).toArray();
            byte[] t = new OnnxBytes().tagVarint(1, 3).tagVarint(1, 4).tagVarint(2, OnnxBytes.FLOAT)
                    .tagBytes(8, "w".getBytes(StandardCharsets.UTF_8)).tagBytes(13, ext).tagVarint(14, 1).toArray();
            Path p = inner.resolve(OX);
            Files.write(p, OnnxBytes.model(t));
            return p;
        }));
    }

    // ---------------------------------------------------------------- PEFT adapter_config.json

    private static final String PEFT = "adapter_config.json";

    private static void peft(List<Case> c) {
        c.add(peftCase("peft-valid", null, "{\"peft_type\":\"LORA\",\"r\":8,\"lora_alpha\":16,"
                + "\"target_modules\":[\"q_proj\",\"v_proj\"],\"rank_pattern\":{\"model.layers.0.self_attn.q_proj\":4}}"));
        c.add(peftCase("peft-invalid-json", Category.MALFORMED_HEADER, "{\"peft_type\":\"LORA\",\"r\":"));
        c.add(peftCase("peft-not-an-object", Category.MALFORMED_HEADER, "[\"LORA\"]"));
        c.add(peftCase("peft-not-lora", Category.UNSUPPORTED, "{\"peft_type\":\"IA3\"}"));
        c.add(peftCase("peft-rank-zero", Category.MALFORMED_HEADER, "{\"peft_type\":\"LORA\",\"r\":0}"));
        c.add(peftCase("peft-rank-beyond-int", Category.MALFORMED_HEADER, "{\"peft_type\":\"LORA\",\"r\":1e400}"));
        c.add(peftCase("peft-rank-pattern-not-integer", Category.MALFORMED_HEADER,
                "{\"peft_type\":\"LORA\",\"rank_pattern\":{\"q\":\"eight\"}}"));
        c.add(peftCase("peft-deeply-nested", Category.MALFORMED_HEADER, "{\"peft_type\":\"LORA\",\"x\":"
                + "[".repeat(100_000) + "]".repeat(100_000) + "}"));
        c.add(new Case("peft-invalid-utf8", "peft", Category.MALFORMED_HEADER, PEFT, dir -> Files.write(dir.resolve(PEFT),
                new Bytes().ascii("{\"peft_type\":\"LO").u8(0xC3).u8(0x28).ascii("RA\"}").toArray()), READ_ADAPTER_CONFIG));
        c.add(new Case("peft-config-of-200MB", "peft", Category.TOO_LARGE, PEFT, dir -> {
            Path p = dir.resolve(PEFT);
            try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(p.toFile(), "rw")) {
                f.setLength(200L << 20); // sparse: no disk, but a naive reader allocates 200 MB+
            }
            return p;
        }, READ_ADAPTER_CONFIG));
    }

    private static Case peftCase(String id, Category expected, String json) {
        return new Case(id, "peft", expected, PEFT, dir -> write(dir, PEFT, json), READ_ADAPTER_CONFIG);
    }

    // ---------------------------------------------------------------- helpers

    private static Case file(String id, String format, Category expected, String name, byte[] bytes) {
        return new Case(id, format, expected, name, dir -> {
            Path p = dir.resolve(name);
            Files.write(p, bytes);
            return p;
        });
    }

    @FunctionalInterface
    private interface DirBytes {
        byte[] make(Path dir);
    }

    /** A PyTorch file whose pickle would create {@link #MARKER} in the case folder if executed. */
    private static Case marker(String id, DirBytes bytes) {
        return new Case(id, "pytorch", Category.UNSAFE, PT, dir -> {
            Path p = dir.resolve(PT);
            Files.write(p, bytes.make(dir));
            return p;
        });
    }

    private static String touch(Path dir) {
        return "touch " + dir.resolve(MARKER).toAbsolutePath();
    }

    private static Path write(Path dir, String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }
}
