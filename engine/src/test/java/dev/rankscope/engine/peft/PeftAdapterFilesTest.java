package dev.rankscope.engine.peft;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticFinetunes;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.InMemoryTensorSource;
import dev.rankscope.engine.testing.TorchCheckpointWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The adapter path on real files: the synthetic PEFT adapter written by the generator (h/io). */
class PeftAdapterFilesTest {
    @TempDir
    Path tmp;

    @Test
    void adapterMergeEqualsAnExplicitlyMergedCheckpoint() {
        Path baseDir = tmp.resolve("base");
        Path loraDir = tmp.resolve("lora");
        SyntheticModel.write(baseDir, SyntheticModel.Parameters.of(ModelShape.tiny(), 42));
        SyntheticFinetunes.LoraAdapterSummary summary =
                SyntheticFinetunes.writeLoraAdapter(baseDir, loraDir, 4, List.of("q_proj"), 8, 7);
        Path explicit = tmp.resolve("merged.safetensors");

        try (TensorSource base = Checkpoints.open(baseDir);
             TensorSource rawAdapter = Checkpoints.open(loraDir.resolve("adapter_model.safetensors"))) {
            // explicit merge, independent of PeftAdapter: W₀ + (alpha/r)·B·A for every q/v weight
            double scaling = summary.alpha() / summary.rank();
            SafetensorsWriter writer = new SafetensorsWriter();
            for (TensorInfo t : base.tensors()) {
                String module = t.name().replaceAll("\\.weight$", "");
                String a = "base_model.model." + module + ".lora_A.weight";
                if (rawAdapter.find(a).isEmpty()) {
                    writer.add(t.name(), DType.F32, t.shape(), sink -> sink.put(base.readDouble(t.name())));
                    continue;
                }
                int m = (int) t.dim(0), n = (int) t.dim(1), r = summary.rank();
                writer.add(t.name(), DType.F32, t.shape(), sink -> {
                    double[] w = base.readDouble(t.name());
                    double[] av = rawAdapter.readDouble(a);
                    double[] bv = rawAdapter.readDouble("base_model.model." + module + ".lora_B.weight");
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            double s = 0;
                            for (int k = 0; k < r; k++) {
                                s += bv[i * r + k] * av[k * n + j];
                            }
                            w[i * n + j] += scaling * s;
                        }
                    }
                    sink.put(w);
                });
            }
            writer.write(explicit, AtomicFileWriter.unprotected());
        }

        try (TensorSource base = Checkpoints.open(baseDir);
             PeftAdapter adapter = PeftAdapter.open(loraDir);
             MergedTensorSource merged = new MergedTensorSource(base, adapter);
             TensorSource reference = Checkpoints.open(explicit)) {
            assertEquals(summary.modules().size(), merged.mergedTensors().size());
            assertEquals(reference.tensors().size(), merged.tensors().size());
            for (TensorInfo t : reference.tensors()) {
                double[] want = reference.readDouble(t.name());
                double[] got = merged.readDouble(t.name());
                double scale = 0;
                for (double v : want) {
                    scale = Math.max(scale, Math.abs(v));
                }
                for (int i = 0; i < want.length; i++) {
                    assertEquals(want[i], got[i], 1e-6 * scale, t.name() + "[" + i + "]");
                }
            }
            assertTrue(merged.isChanged(summary.plantedModule() + ".weight"));
            assertEquals(DType.F32, merged.require(summary.plantedModule() + ".weight").dtype());
        }
    }

    @Test
    void pytorchBinAdaptersOpenThroughCheckpoints() throws Exception {
        Path dir = tmp.resolve("bin-adapter");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("adapter_config.json"), "{\"peft_type\":\"LORA\",\"r\":1,\"lora_alpha\":3}");
        String q = "model.layers.0.self_attn.q_proj";
        double[] a = {1, 2, 3};
        double[] b = {0.5, -1};
        new TorchCheckpointWriter("adapter_model")
                .tensor("base_model.model." + q + ".lora_A.weight", DType.F32, new long[] {1, 3}, a)
                .tensor("base_model.model." + q + ".lora_B.weight", DType.BF16, new long[] {2, 1}, b)
                .write(dir.resolve("adapter_model.bin"));
        double[] w0 = {1, 0, 0, 0, 1, 0};
        TensorSource base = InMemoryTensorSource.builder("base").matrix(q + ".weight", 2, 3, w0).build();
        try (PeftAdapter adapter = PeftAdapter.open(dir)) {
            double[] merged = new MergedTensorSource(base, adapter).readDouble(q + ".weight");
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(w0[i * 3 + j] + 3 * b[i] * a[j], merged[i * 3 + j], 1e-6);
                }
            }
        }
    }
}
