package dev.rankscope.app.cli;

import dev.rankscope.application.model.CalibrateJob;
import dev.rankscope.application.model.CalibrateParameters;
import dev.rankscope.application.model.CalibrateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code rankscope calibrate MODEL --text FILE [--seq-len L] [--max-tokens N] --out STATS}:
 * runs {@link CalibrateJob} and prints what it wrote (issue "Model in the loop" §2).
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = {"Run a model over a text and write the calibration statistics of every linear module "
                + "(<module>.input_gram, .input_absmean, .tokens) for data-aware plans (plan --stats)."},
        exitCodeListHeading = RankscopeCli.EXIT_HEADING,
        exitCodeList = {"0:the statistics were written",
                "2:bad input (one line on stderr naming the file and the problem); nothing was written"})
public final class CalibrateCommand implements Callable<Integer> {

    @picocli.CommandLine.Mixin
    ModelTextOptions input = new ModelTextOptions();

    @Option(names = "--max-tokens", paramLabel = "N", defaultValue = "" + CalibrateParameters.DEFAULT_MAX_TOKENS,
            description = "Use at most N tokens of the text. Default: ${DEFAULT-VALUE}.")
    long maxTokens;

    @Option(names = "--out", paramLabel = "STATS", required = true, description = "Statistics safetensors to write.")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        CalibrateParameters p;
        try {
            p = new CalibrateParameters(input.model, input.text, input.seqLen, maxTokens, out);
        } catch (IllegalArgumentException e) {
            throw new CliOptions.BadOptionException(e.getMessage());
        }
        CalibrateResult r = CliJobs.run(new CalibrateJob().task(p), err, input.quiet);
        spec.commandLine().getOut().printf(Locale.ROOT, "calibrated %d modules on %d tokens (%d windows of %d) in %.1f s%n",
                r.modules().size(), r.tokens(), r.windows(), r.seqLen(), r.seconds());
        if (!input.quiet) {
            err.println("rankscope: wrote " + r.out());
        }
        return 0;
    }
}
