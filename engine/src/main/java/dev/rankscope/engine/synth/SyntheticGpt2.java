package dev.rankscope.engine.synth;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsSource;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.DType;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A deterministic synthetic GPT-2 checkpoint in Hugging Face's layout, for the shapes Llama
 * presets do not have (SPEC §7): Conv1D weights stored (in, out) — the fused {@code attn.c_attn}
 * (d, 3d), {@code attn.c_proj} (d, d), {@code mlp.c_fc} (d, 4d), {@code mlp.c_proj} (4d, d) —
 * with their biases, layer norms with weight and bias, {@code wte}/{@code wpe} embeddings (the
 * output head is tied to {@code wte}) and a {@code config.json} ({@code n_embd}, {@code n_head},
 * {@code n_layer}, {@code n_positions}, {@code vocab_size}) whose head count splits c_attn.
 *
 * <p>The fused c_attn is built part by part so its q, k and v columns have the spectra the Llama
 * generator gives q_proj, k_proj and v_proj ({@link SyntheticModel#recipe}: power law, low rank,
 * Marchenko–Pastur): after the split (SPEC §7) each part is recognisably itself. Values depend
 * only on the seed and the tensor name. Pure apart from writing the files.
 */
public final class SyntheticGpt2 {

    /**
     * A GPT-2 shape.
     *
     * @param name      preset name, recorded in the metadata
     * @param layers    transformer blocks
     * @param hidden    n_embd (a multiple of {@code heads})
     * @param heads     n_head
     * @param vocab     vocab_size (rows of wte)
     * @param positions n_positions (rows of wpe)
     */
    public record Shape(String name, int layers, int hidden, int heads, int vocab, int positions) {
        public Shape {
            if (layers < 1 || hidden < 1 || heads < 1 || vocab < 1 || positions < 1) {
                throw new IllegalArgumentException("every GPT-2 size must be positive");
            }
            if (hidden % heads != 0) {
                throw new IllegalArgumentException("n_embd " + hidden + " is not a multiple of n_head " + heads);
            }
        }
    }

    /** GPT-2 small: 12 blocks, n_embd 768, 12 heads, vocabulary 50257, 1024 positions (124M parameters). */
    public static final Shape GPT2 = new Shape("gpt2", 12, 768, 12, 50257, 1024);
    /** A two-block GPT-2 for tests and quick tries: n_embd 64, 4 heads, vocabulary 256, 128 positions. */
    public static final Shape GPT2_TINY = new Shape("gpt2-tiny", 2, 64, 4, 256, 128);

    private SyntheticGpt2() {
    }

    /** The preset called {@code name} ({@code gpt2}, {@code gpt2-tiny}); empty for any other name. */
    public static java.util.Optional<Shape> preset(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "gpt2" -> java.util.Optional.of(GPT2);
            case "gpt2-tiny" -> java.util.Optional.of(GPT2_TINY);
            default -> java.util.Optional.empty();
        };
    }

    /**
     * Writes {@code model.safetensors} and {@code config.json} into {@code outDir}, each atomically.
     *
     * @return the two files (weights first)
     */
    public static List<Path> write(Path outDir, Shape shape, long seed, DType dtype) {
        SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt")
                .metadata("rankscope.synthetic", shape.name() + " seed=" + seed);
        int d = shape.hidden();
        matrix(w, dtype, seed, "transformer.wte.weight", shape.vocab(), d, MatrixRecipe.powerLaw(SyntheticModel.WEIGHT_SCALE, 0.6, 0, 0));
        matrix(w, dtype, seed, "transformer.wpe.weight", shape.positions(), d, MatrixRecipe.lowRank(0.01, Math.max(2, d / 16), 0.2));
        for (int l = 0; l < shape.layers(); l++) {
            String h = "transformer.h." + l + ".";
            double f = 0.75 + 0.5 * l / Math.max(1, shape.layers() - 1);
            norm(w, dtype, seed, h + "ln_1", d);
            fusedAttention(w, dtype, seed, h + "attn.c_attn.weight", d, f);
            vector(w, dtype, seed, h + "attn.c_attn.bias", 3 * d, 0, 0.02);
            matrix(w, dtype, seed, h + "attn.c_proj.weight", d, d, MatrixRecipe.spiked(SyntheticModel.WEIGHT_SCALE, 3, 2.0));
            vector(w, dtype, seed, h + "attn.c_proj.bias", d, 0, 0.02);
            norm(w, dtype, seed, h + "ln_2", d);
            matrix(w, dtype, seed, h + "mlp.c_fc.weight", d, 4 * d, MatrixRecipe.spiked(SyntheticModel.WEIGHT_SCALE, 1, 1.5));
            vector(w, dtype, seed, h + "mlp.c_fc.bias", 4 * d, 0, 0.02);
            matrix(w, dtype, seed, h + "mlp.c_proj.weight", 4 * d, d,
                    MatrixRecipe.powerLaw(SyntheticModel.WEIGHT_SCALE, 0.7 * f, 2, 2.0));
            vector(w, dtype, seed, h + "mlp.c_proj.bias", d, 0, 0.02);
        }
        norm(w, dtype, seed, "transformer.ln_f", d);
        Path weights = outDir.resolve(SafetensorsSource.DEFAULT_FILE);
        AtomicFileWriter files = AtomicFileWriter.unprotected();
        w.write(weights, files);
        Path config = outDir.resolve("config.json");
        files.writeBytes(config, configJson(shape, dtype));
        return List.of(weights, config);
    }

    /** Hugging Face {@code GPT2Config} JSON for {@code shape}, pretty-printed. */
    public static byte[] configJson(Shape shape, DType dtype) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("_name_or_path", "rankscope-synthetic/" + shape.name());
        c.put("architectures", List.of("GPT2LMHeadModel"));
        c.put("model_type", "gpt2");
        c.put("activation_function", "gelu_new");
        c.put("layer_norm_epsilon", 1e-5);
        c.put("n_embd", shape.hidden());
        c.put("n_head", shape.heads());
        c.put("n_layer", shape.layers());
        c.put("n_positions", shape.positions());
        c.put("n_ctx", shape.positions());
        c.put("vocab_size", shape.vocab());
        c.put("tie_word_embeddings", true);
        c.put("torch_dtype", SyntheticModel.torchDtype(dtype));
        return SyntheticModel.toJson(c);
    }

    /** A (rows, cols) matrix stored as generated (Conv1D weights are generated in their stored (in, out) shape). */
    private static void matrix(SafetensorsWriter w, DType dtype, long seed, String name, int rows, int cols,
                               MatrixRecipe recipe) {
        w.add(name, dtype, new long[] {rows, cols}, sink -> {
            MatrixGenerator g = new MatrixGenerator(recipe, rows, cols, SyntheticModel.tensorSeed(seed, name));
            double[] row = new double[cols];
            for (int i = 0; i < rows; i++) {
                g.nextRow(row);
                sink.put(row);
            }
        });
    }

    /**
     * The fused c_attn (d, 3d): row i is [q row i | k row i | v row i] of three d×d parts generated
     * with q_proj's, k_proj's and v_proj's recipes, so each part keeps its own spectrum.
     */
    private static void fusedAttention(SafetensorsWriter w, DType dtype, long seed, String name, int d, double depth) {
        w.add(name, dtype, new long[] {d, 3L * d}, sink -> {
            MatrixRecipe[] recipes = {
                MatrixRecipe.powerLaw(SyntheticModel.WEIGHT_SCALE, 0.35 * depth, 2, 1.5),
                MatrixRecipe.lowRank(SyntheticModel.WEIGHT_SCALE, Math.max(2, Math.min(32, d / 16)), 0.1),
                MatrixRecipe.marchenkoPastur(SyntheticModel.WEIGHT_SCALE)};
            MatrixGenerator[] parts = new MatrixGenerator[3];
            for (int p = 0; p < 3; p++) {
                parts[p] = new MatrixGenerator(recipes[p], d, d, SyntheticModel.tensorSeed(seed, name + "#" + "qkv".charAt(p)));
            }
            double[] part = new double[d];
            double[] row = new double[3 * d];
            for (int i = 0; i < d; i++) {
                for (int p = 0; p < 3; p++) {
                    parts[p].nextRow(part);
                    System.arraycopy(part, 0, row, p * d, d);
                }
                sink.put(row);
            }
        });
    }

    /** A layer norm over {@code d} features: weight ≈ 1, bias ≈ 0. */
    private static void norm(SafetensorsWriter w, DType dtype, long seed, String prefix, int d) {
        vector(w, dtype, seed, prefix + ".weight", d, 1, 0.1);
        vector(w, dtype, seed, prefix + ".bias", d, 0, 0.02);
    }

    /** A vector of {@code n} values {@code centre + spread·N(0,1)}. */
    private static void vector(SafetensorsWriter w, DType dtype, long seed, String name, int n, double centre, double spread) {
        w.add(name, dtype, new long[] {n}, sink -> {
            SplittableRandom rng = new SplittableRandom(SyntheticModel.tensorSeed(seed, name));
            double[] v = new double[n];
            for (int i = 0; i < n; i++) {
                v[i] = centre + spread * rng.nextGaussian();
            }
            sink.put(v);
        });
    }
}
