package dev.rankscope.application.model;

import dev.rankscope.application.job.JobParameters;

import java.nio.file.Path;
import java.util.Objects;

/**
 * {@code rankscope calibrate MODEL --text FILE [--seq-len L] [--max-tokens N] --out STATS}
 * (SPEC §4/§8).
 *
 * @param model     an HF model folder (config.json, weights, tokenizer.json)
 * @param text      UTF-8 calibration text, documents separated by blank lines
 * @param seqLen    window length L in tokens (≥ 2)
 * @param maxTokens at most this many tokens of the text are used (≥ 1)
 * @param out       the statistics safetensors to write (atomically)
 */
public record CalibrateParameters(Path model, Path text, int seqLen, long maxTokens, Path out) implements JobParameters {
    /** Default window: 256 tokens (capped by the model's learned positions). */
    public static final int DEFAULT_SEQ_LEN = 256;
    /** Default token cap: the whole batch goes through the model at once, layer by layer. */
    public static final long DEFAULT_MAX_TOKENS = 32768;

    public CalibrateParameters {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(out, "out");
        if (seqLen < 2) {
            throw new IllegalArgumentException("--seq-len must be at least 2, got " + seqLen);
        }
        if (maxTokens < 1) {
            throw new IllegalArgumentException("--max-tokens must be at least 1, got " + maxTokens);
        }
    }
}
