package dev.rankscope.engine.synth;

import java.nio.file.Path;
import java.util.List;

/**
 * The sample checkpoints shipped by {@code rankscope generate-samples} and used by end-to-end
 * tests, all derived from {@link ModelShape#tiny()} with fixed seeds (a few MB in total,
 * byte-identical on every run):
 * <ul>
 *   <li>{@code tiny-llama/}: {@code model.safetensors} (BF16) + {@code config.json}, seed {@value #BASE_SEED}</li>
 *   <li>{@code tiny-llama-sharded/}: the same weights in 2 shards + {@code model.safetensors.index.json} + config</li>
 *   <li>{@code tiny-llama-lora/}: PEFT LoRA adapter (r = {@value #LORA_RANK}, alpha = {@value #LORA_ALPHA},
 *       q_proj and v_proj) with a planted intruder in the middle layer's q_proj (layer ⌊3/2⌋ = 1)</li>
 *   <li>{@code tiny-llama-finetuned/}: dense full fine-tune ({@code model.safetensors} + config)</li>
 * </ul>
 */
public final class SampleCheckpoints {

    public static final long BASE_SEED = 42;
    public static final long LORA_SEED = 7;
    public static final long FINETUNE_SEED = 11;
    public static final int LORA_RANK = 8;
    public static final int LORA_ALPHA = 16;
    public static final List<String> LORA_TARGETS = List.of("q_proj", "v_proj");

    /**
     * Where the samples were written.
     *
     * @param base      tiny-llama
     * @param sharded   tiny-llama-sharded
     * @param lora      tiny-llama-lora
     * @param finetuned tiny-llama-finetuned
     * @param adapter   what the LoRA generator planted
     */
    public record Samples(Path base, Path sharded, Path lora, Path finetuned,
                          SyntheticFinetunes.LoraAdapterSummary adapter) { }

    private SampleCheckpoints() {
    }

    /** Writes the four sample folders into {@code dir} (created if missing), replacing older samples. */
    public static Samples writeAll(Path dir) {
        Path base = dir.resolve("tiny-llama");
        Path sharded = dir.resolve("tiny-llama-sharded");
        Path lora = dir.resolve("tiny-llama-lora");
        Path finetuned = dir.resolve("tiny-llama-finetuned");
        ModelShape shape = ModelShape.tiny();
        SyntheticModel.write(base, SyntheticModel.Parameters.of(shape, BASE_SEED));
        SyntheticModel.write(sharded, new SyntheticModel.Parameters(shape, BASE_SEED,
                dev.rankscope.engine.tensor.DType.BF16, 2));
        SyntheticFinetunes.LoraAdapterSummary adapter =
                SyntheticFinetunes.writeLoraAdapter(base, lora, LORA_RANK, LORA_TARGETS, LORA_ALPHA, LORA_SEED);
        SyntheticFinetunes.writeFullFinetune(base, finetuned, FINETUNE_SEED);
        return new Samples(base, sharded, lora, finetuned, adapter);
    }

    /**
     * Entry point for {@code rankscope generate-samples}: {@code args[0]} is the output folder.
     * Exit status 2 with a usage line on standard error when the argument is missing.
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: SampleCheckpoints <output-folder>");
            System.exit(2);
        }
        writeAll(Path.of(args[0]));
    }
}
