package dev.rankscope.tests.hostile;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rankscope.engine.peft.PeftAdapter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

import java.util.HashMap;
import java.util.Map;

/**
 * One coverage-guided fuzz target per checkpoint reader (hostile-input robustness). In a normal {@code mvn verify}
 * Jazzer runs in regression mode: each target replays its committed seeds and any committed crash
 * inputs under {@code src/test/resources/dev/rankscope/tests/hostile/ReaderFuzzTestInputs/<target>/}
 * (seeds made by {@link FuzzSeeds}), taking seconds. With {@code JAZZER_FUZZ=1} it fuzzes for
 * real; see {@code docs/FUZZING.md} (run with {@code -Djunit.jupiter.execution.timeout.mode=disabled}
 * there). The property is {@link FuzzTargets}'s; {@code @Timeout} becomes libFuzzer's per-input
 * timeout, so a parse that hangs is a finding.
 */
@Timeout(10)
class ReaderFuzzTest {
    /** One scratch folder per target, so one target's leftovers (an index next to a shard) never steer another. */
    private static final Map<String, FuzzTargets> SCRATCH = new HashMap<>();

    @AfterAll
    static void cleanUp() {
        SCRATCH.values().forEach(FuzzTargets::close);
        SCRATCH.clear();
    }

    private static void check(String target, byte[] data) {
        scratch(target).openListRead(FuzzSeeds.fileName(target), data);
    }

    private static FuzzTargets scratch(String target) {
        return SCRATCH.computeIfAbsent(target, t -> {
            FuzzTargets f = new FuzzTargets(t);
            if (t.equals("safetensorsIndex")) {
                // Two valid shards: the fuzzed index decides what it points at.
                f.write("model-00001-of-00002.safetensors", FuzzSeeds.SHARD_1);
                f.write("model-00002-of-00002.safetensors", FuzzSeeds.SHARD_2);
            }
            if (t.equals("peftAdapter")) {
                f.write("adapter_model.safetensors", FuzzSeeds.ADAPTER_WEIGHTS);
            }
            return f;
        });
    }

    @FuzzTest(maxDuration = "10m")
    void safetensors(byte[] data) {
        check("safetensors", data);
    }

    @FuzzTest(maxDuration = "10m")
    void safetensorsIndex(byte[] data) {
        check("safetensorsIndex", data);
    }

    @FuzzTest(maxDuration = "10m")
    void pytorch(byte[] data) {
        check("pytorch", data);
    }

    @FuzzTest(maxDuration = "10m")
    void gguf(byte[] data) {
        check("gguf", data);
    }

    @FuzzTest(maxDuration = "10m")
    void onnx(byte[] data) {
        check("onnx", data);
    }

    @FuzzTest(maxDuration = "10m")
    void npy(byte[] data) {
        check("npy", data);
    }

    @FuzzTest(maxDuration = "10m")
    void npz(byte[] data) {
        check("npz", data);
    }

    /** A PEFT adapter folder whose adapter_config.json is fuzzed (weights fixed, r = 8). */
    @FuzzTest(maxDuration = "10m")
    void peftAdapter(byte[] data) {
        FuzzTargets f = scratch("peftAdapter");
        f.write(FuzzSeeds.fileName("peftAdapter"), data);
        FuzzTargets.expectCleanOutcome(() -> {
            try (PeftAdapter adapter = PeftAdapter.open(f.dir())) {
                adapter.modules().forEach((module, lora) -> adapter.config().scalingFor(module));
            }
        });
    }
}
