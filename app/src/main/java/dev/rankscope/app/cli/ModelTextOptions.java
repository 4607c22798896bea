package dev.rankscope.app.cli;

import dev.rankscope.application.model.CalibrateParameters;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

/**
 * The options {@code calibrate} and {@code evaluate} share (a picocli mixin): the model folder,
 * the text it runs over, the window length and {@code --quiet}. Each command adds its own
 * {@code --max-tokens} (their defaults differ) and outputs.
 */
final class ModelTextOptions {

    @Parameters(paramLabel = "MODEL", description = "A Hugging Face model folder (config.json, weights, tokenizer.json).")
    Path model;

    @Option(names = "--text", paramLabel = "FILE", required = true,
            description = "UTF-8 text: documents separated by blank lines (causal LMs), one sentence per line (encoders).")
    Path text;

    @Option(names = "--seq-len", paramLabel = "L", defaultValue = "" + CalibrateParameters.DEFAULT_SEQ_LEN,
            description = "Window length in tokens (causal LMs; capped by the model's learned positions). "
                    + "Default: ${DEFAULT-VALUE}.")
    int seqLen;

    @Option(names = "--quiet", description = "No progress on stderr.")
    boolean quiet;
}
