package dev.rankscope.app.cli;

import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.engine.synth.SyntheticGpt2;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rankscope generate}: writes deterministic synthetic checkpoints with realistic spectra
 * (the generator behind {@code sample-checkpoints/} and the benchmarks): Llama shapes
 * ({@link SyntheticModel}) or GPT-2's Conv1D layout ({@link SyntheticGpt2}).
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = {"Write a deterministic synthetic Llama-shaped checkpoint (or, with --samples, the bundled samples).",
                "Presets: tiny (4 layers, hidden 128), tinyllama (1.1B shape), llama-7b; gpt2 (124M shape) and gpt2-tiny "
                        + "(2 blocks, n_embd 64) write GPT-2's layout: Conv1D weights stored (in, out), fused c_attn, config.json."})
public final class GenerateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--samples", description = "Write the four sample folders of sample-checkpoints/ (base, sharded, LoRA adapter, fine-tune).")
    boolean samples;

    @Option(names = "--model", paramLabel = "PRESET", defaultValue = "tiny", description = "Shape preset. Default: ${DEFAULT-VALUE}.")
    String model;

    @Option(names = "--shards", paramLabel = "K", defaultValue = "1", description = "Number of shard files (index written when > 1).")
    int shards;

    @Option(names = "--dtype", paramLabel = "DTYPE", defaultValue = "BF16", description = "Stored dtype: BF16, F16, F32. Default: ${DEFAULT-VALUE}.")
    String dtype;

    @Option(names = "--seed", defaultValue = "42", description = "Seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (samples) {
            SampleCheckpoints.Samples s = SampleCheckpoints.writeAll(out);
            spec.commandLine().getOut().println("wrote " + s.base() + ", " + s.sharded() + ", " + s.lora() + ", " + s.finetuned());
            return 0;
        }
        DType dt = DType.parse(dtype).filter(d -> d == DType.BF16 || d == DType.F16 || d == DType.F32)
                .orElseThrow(() -> new CliOptions.BadOptionException("--dtype must be BF16, F16 or F32, not '" + dtype + "'"));
        if (shards < 1) {
            throw new CliOptions.BadOptionException("--shards must be at least 1");
        }
        java.util.Optional<SyntheticGpt2.Shape> gpt2 = SyntheticGpt2.preset(model);
        if (gpt2.isPresent() && shards != 1) {
            throw new CliOptions.BadOptionException("--shards: the GPT-2 presets are written as one file");
        }
        List<Path> files = gpt2.isPresent() ? SyntheticGpt2.write(out, gpt2.get(), seed, dt)
                : SyntheticModel.write(out, new SyntheticModel.Parameters(llamaShape(), seed, dt, shards));
        spec.commandLine().getOut().println("wrote " + files.size() + " file(s) to " + out);
        return 0;
    }

    /** The Llama preset {@code --model} names. */
    private ModelShape llamaShape() {
        try {
            return ModelShape.preset(model);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException("--model must be one of " + ModelShape.presetNames()
                    + ", gpt2 or gpt2-tiny, not '" + model + "'");
        }
    }
}
