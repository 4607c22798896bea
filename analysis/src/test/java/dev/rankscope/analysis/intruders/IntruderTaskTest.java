package dev.rankscope.analysis.intruders;

import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.peft.MergedTensorSource;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.peft.PeftAdapterConfig;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.InMemoryTensorSource;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntruderTaskTest {
    private static final String[] MODULES = {
        "model.layers.0.self_attn.q_proj", "model.layers.0.self_attn.v_proj",
        "model.layers.1.self_attn.q_proj", "model.layers.1.self_attn.v_proj"};

    private static InMemoryTensorSource.Builder model(String name, long seed) {
        Random rnd = new Random(seed);
        InMemoryTensorSource.Builder b = InMemoryTensorSource.builder(name);
        for (String m : MODULES) {
            b.matrix(m + ".weight", 8, 6, Fixtures.gaussian(rnd, 48));
        }
        b.tensor("model.norm.weight", new long[] {6}, Fixtures.gaussian(rnd, 6));
        return b;
    }

    private static List<IntruderMatrixResult> run(IntruderTask task) {
        task.run();
        assertEquals(AbstractTask.Status.FINISHED, task.status(), () -> String.valueOf(task.failure()));
        return task.report().matrices();
    }

    @Test
    void identicalCheckpointsGiveZeroEverywhere() {
        TensorSource base = model("base", 1).build();
        TensorSource tuned = model("tuned", 1).build();
        List<IntruderMatrixResult> streamed = new ArrayList<>();
        IntruderTask task = new IntruderTask(base, tuned, Pairing.of(base, tuned),
                new IntruderAnalyzer(new OjAlgoBackend()), Fixtures.NAMES, streamed::add);
        List<IntruderMatrixResult> results = run(task);
        assertEquals(4, results.size());
        assertEquals(results, streamed);
        IntruderReport report = task.report();
        for (double eps : new double[] {0.1, 0.5, 0.99}) {
            IntruderParameters params = new IntruderParameters(10, eps);
            assertEquals(0, report.total(params));
            report.perLayer(params).values().forEach(c -> assertEquals(0, c));
        }
        for (IntruderMatrixResult r : results) {
            assertTrue(r.identical());
            assertEquals(0, r.spectralDistance());
        }
        assertEquals(1.0, task.fraction());
    }

    @Test
    void adapterComparisonChangesOnlyAdaptedModulesAndTotalsPerLayer() {
        TensorSource base = model("base", 2).build();
        Random rnd = new Random(9);
        // a large rank-1 update on layer 1's q_proj
        String q1 = MODULES[2];
        double[] a = Fixtures.gaussian(rnd, 6);
        double[] b = Fixtures.gaussian(rnd, 8);
        TensorSource weights = InMemoryTensorSource.builder("adapter_model.safetensors")
                .matrix("base_model.model." + q1 + ".lora_A.weight", 1, 6, a)
                .matrix("base_model.model." + q1 + ".lora_B.weight", 8, 1, b).build();
        PeftAdapter adapter = PeftAdapter.of(PeftAdapterConfig.parse(
                "{\"peft_type\":\"LORA\",\"r\":1,\"lora_alpha\":50}", Path.of("adapter_config.json")), weights);
        MergedTensorSource tuned = new MergedTensorSource(base, adapter);
        IntruderTask task = new IntruderTask(base, tuned, Pairing.of(base, tuned),
                new IntruderAnalyzer(new OjAlgoBackend()), Fixtures.NAMES, r -> { });
        List<IntruderMatrixResult> results = run(task);
        assertEquals(4, results.size());
        for (IntruderMatrixResult r : results) {
            assertEquals(!r.name().id().equals(q1 + ".weight"), r.identical(), r.name().id());
        }
        IntruderMatrixResult changed = results.get(2);
        // ΔW = 50·b·aᵀ is rank one
        assertEquals(1.0, changed.deltaStableRank(), 1e-6);
        assertEquals(50 * norm(a) * norm(b), changed.deltaSigma()[0], 1e-3 * changed.deltaSigma()[0]);
        IntruderParameters params = new IntruderParameters(10, 0.9);
        int count = changed.intruderCount(params);
        assertTrue(count >= 1, "a dominant random rank-1 update is an intruder at ε = 0.9");
        assertEquals(count, task.report().total(params));
        assertEquals(0, task.report().perLayer(params).get(0));
        assertEquals(count, task.report().perLayer(params).get(1));
        assertEquals(count, task.report().perLayerAndModule(params).get(1).get(dev.rankscope.analysis.naming.ModuleType.Q));
        assertEquals(0.0, task.report().spectralDistanceByLayer().get(0));
        assertTrue(task.report().spectralDistanceByLayer().get(1) > 0);
    }

    @Test
    void aFailingPairIsReportedAndTheOthersGoOn() {
        TensorSource base = model("base", 3).build();
        double[] nan = new double[48];
        nan[5] = Double.NaN;
        InMemoryTensorSource.Builder tb = InMemoryTensorSource.builder("tuned");
        Random rnd = new Random(3);
        for (String m : MODULES) {
            double[] w = Fixtures.gaussian(rnd, 48);
            tb.matrix(m + ".weight", 8, 6, m.equals(MODULES[1]) ? nan : w);
        }
        TensorSource tuned = tb.build();
        List<String> failed = new ArrayList<>();
        IntruderTask task = new IntruderTask(base, tuned, Pairing.of(base, tuned),
                new IntruderAnalyzer(new OjAlgoBackend()), Fixtures.NAMES, new IntruderListener() {
                    @Override
                    public void onResult(IntruderMatrixResult result) {
                    }

                    @Override
                    public void onFailure(Pairing.MatrixPair pair, RankscopeException error) {
                        failed.add(pair.name());
                    }
                });
        assertEquals(3, run(task).size());
        assertEquals(List.of(MODULES[1] + ".weight"), failed);
        assertEquals(MODULES[1] + ".weight", task.report().failures().get(0).name());
        assertTrue(task.report().failures().get(0).message().contains("NaN"));
    }

    @Test
    void cancelStopsBetweenPairs() {
        TensorSource base = model("base", 4).build();
        TensorSource tuned = model("tuned", 5).build();
        List<IntruderMatrixResult> seen = new ArrayList<>();
        IntruderTask[] holder = new IntruderTask[1];
        holder[0] = new IntruderTask(base, tuned, Pairing.of(base, tuned), new IntruderAnalyzer(new OjAlgoBackend()),
                Fixtures.NAMES, r -> {
                    seen.add(r);
                    holder[0].cancel();
                });
        holder[0].run();
        assertEquals(AbstractTask.Status.CANCELLED, holder[0].status());
        assertEquals(1, seen.size());
        assertEquals(1, holder[0].report().matrices().size());
        assertFalse(holder[0].fraction() >= 1.0);
    }

    @Test
    void peakMemoryEstimateForA4096Pair() {
        assertEquals(9L * 128 * 1024 * 1024, IntruderTask.estimatedPeakBytes(4096, 4096));
    }

    private static double norm(double[] v) {
        return Math.sqrt(Fixtures.dot(v, v));
    }
}
