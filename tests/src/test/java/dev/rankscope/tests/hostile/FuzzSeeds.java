package dev.rankscope.tests.hostile;

import dev.rankscope.tests.hostile.gen.Bytes;
import dev.rankscope.tests.hostile.gen.SafetensorsBytes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Generates the committed seed corpus of {@link ReaderFuzzTest}: for each target, the bytes of
 * every single-file {@link MalformedCorpus} case of that file type (valid files and near-misses
 * are the best starting points for mutation) up to {@link #MAX_SEED_BYTES}, keeping only cases
 * whose bytes do not depend on the folder they were generated in.
 *
 * <p>Regenerate after changing the corpus (documented in {@code docs/FUZZING.md}):
 * {@code mvn -B -o -pl tests -am test -Dtest=FuzzSeedsTest -Drankscope.writeSeeds=true}.
 * {@link FuzzSeedsTest} fails when the committed seeds drift from this generator.
 */
final class FuzzSeeds {
    /** Seeds larger than this are left out (bombs belong to the corpus, not to mutation). */
    static final int MAX_SEED_BYTES = 64 * 1024;

    /** Shards placed next to the fuzzed index of the {@code safetensorsIndex} target. */
    static final byte[] SHARD_1 = SafetensorsBytes.validF32(new String[] {"a.weight"}, new int[][] {{2, 2}},
            new float[][] {Bytes.ramp(4)});
    static final byte[] SHARD_2 = SafetensorsBytes.validF32(new String[] {"b.weight"}, new int[][] {{2, 3}},
            new float[][] {Bytes.ramp(6)});

    /** LoRA weights (r = 8) next to the fuzzed config of the {@code peftAdapter} target. */
    static final byte[] ADAPTER_WEIGHTS = SafetensorsBytes.validF32(new String[] {
            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"},
            new int[][] {{8, 16}, {16, 8}}, new float[][] {Bytes.ramp(128), Bytes.ramp(128)});

    /** Target → the file name its input is saved under (format detection also looks at names). */
    static final Map<String, String> TARGET_FILES = Map.of(
            "safetensors", "fuzz.safetensors",
            "safetensorsIndex", "model.safetensors.index.json",
            "pytorch", "fuzz.bin",
            "gguf", "fuzz.gguf",
            "onnx", "fuzz.onnx",
            "npy", "fuzz.npy",
            "npz", "fuzz.npz",
            "peftAdapter", "adapter_config.json");

    private FuzzSeeds() {
    }

    static String fileName(String target) {
        String name = TARGET_FILES.get(target);
        if (name == null) {
            throw new IllegalArgumentException("no fuzz target " + target);
        }
        return name;
    }

    /** Seeds of every target: target → (seed name → bytes), sorted. */
    static Map<String, Map<String, byte[]>> generate() throws IOException {
        Map<String, Map<String, byte[]>> out = new TreeMap<>();
        TARGET_FILES.keySet().forEach(t -> out.put(t, new TreeMap<>()));
        Path a = Files.createTempDirectory("seeds-a");
        Path b = Files.createTempDirectory("seeds-b");
        try {
            for (MalformedCorpus.Case c : MalformedCorpus.all()) {
                Path da = Files.createDirectory(a.resolve(c.id()));
                Path db = Files.createDirectory(b.resolve(c.id()));
                Path pa = c.fixture().create(da);
                Path pb = c.fixture().create(db);
                if (Files.isDirectory(pa) || !Files.isRegularFile(pb)) {
                    continue;
                }
                byte[] bytes = Files.readAllBytes(pa);
                if (bytes.length > MAX_SEED_BYTES || !java.util.Arrays.equals(bytes, Files.readAllBytes(pb))) {
                    continue;
                }
                String target = targetFor(pa.getFileName().toString());
                if (target != null) {
                    out.get(target).put(c.id(), bytes);
                }
            }
        } finally {
            delete(a);
            delete(b);
        }
        out.get("safetensorsIndex").put("index-two-shards", ("{\"metadata\":{\"total_size\":40},\"weight_map\":"
                + "{\"a.weight\":\"model-00001-of-00002.safetensors\",\"b.weight\":\"model-00002-of-00002.safetensors\"}}")
                .getBytes(StandardCharsets.UTF_8));
        return out;
    }

    private static String targetFor(String fileName) {
        if (fileName.equals("adapter_config.json")) {
            return "peftAdapter";
        }
        if (fileName.endsWith(".safetensors.index.json")) {
            return "safetensorsIndex";
        }
        if (fileName.endsWith(".safetensors")) {
            return "safetensors";
        }
        if (fileName.endsWith(".bin")) {
            return "pytorch";
        }
        for (String ext : List.of("gguf", "onnx", "npy", "npz")) {
            if (fileName.endsWith("." + ext)) {
                return ext;
            }
        }
        return null;
    }

    /** Where Jazzer looks for a target's inputs, below {@code resources}. */
    static Path inputsDir(Path resources, String target) {
        return resources.resolve("dev/rankscope/tests/hostile/ReaderFuzzTestInputs").resolve(target);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
