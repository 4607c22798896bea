package dev.rankscope.tests.jobs;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.DType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * A generated GPT-2-shaped checkpoint folder (the engine's synthetic generator makes Llama shapes
 * only): {@code model.safetensors} with Conv1D weights stored (in, out) — fused {@code c_attn}
 * (d, 3d), {@code c_proj} (d, d), {@code mlp.c_fc} (d, 4d), {@code mlp.c_proj} (4d, d) per block —
 * embeddings and layer norms, plus the {@code config.json} whose head counts split c_attn into
 * q/k/v (SPEC §7). Float32 values from a fixed seed.
 */
final class Gpt2Checkpoint {
    static final int D = 8;
    static final int LAYERS = 2;

    private Gpt2Checkpoint() {
    }

    /** Writes the folder {@code dir} (created) and returns it. */
    static Path write(Path dir) {
        try {
            Files.createDirectories(dir);
            Random rnd = new Random(2024);
            SafetensorsWriter w = new SafetensorsWriter();
            add(w, rnd, "transformer.wte.weight", 20, D);
            add(w, rnd, "transformer.wpe.weight", 16, D);
            for (int l = 0; l < LAYERS; l++) {
                String h = "transformer.h." + l + ".";
                add(w, rnd, h + "ln_1.weight", D);
                add(w, rnd, h + "attn.c_attn.weight", D, 3 * D);
                add(w, rnd, h + "attn.c_proj.weight", D, D);
                add(w, rnd, h + "mlp.c_fc.weight", D, 4 * D);
                add(w, rnd, h + "mlp.c_proj.weight", 4 * D, D);
            }
            w.write(dir.resolve("model.safetensors"), AtomicFileWriter.unprotected());
            Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"gpt2\", \"architectures\": "
                    + "[\"GPT2LMHeadModel\"], \"n_embd\": " + D + ", \"n_head\": 2, \"n_layer\": " + LAYERS
                    + ", \"vocab_size\": 20}");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void add(SafetensorsWriter w, Random rnd, String name, long... shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextGaussian();
        }
        w.add(name, DType.F32, shape, sink -> sink.put(v));
    }
}
