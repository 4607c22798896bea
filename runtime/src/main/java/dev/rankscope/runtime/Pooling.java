package dev.rankscope.runtime;

import java.util.Locale;

/**
 * Sentence-transformers pooling of an encoder's last hidden state (SPEC §8): {@link Mode#MEAN}
 * averages the sequence's tokens (every token the tokenizer produced, special tokens included,
 * as sentence-transformers does with an all-ones attention mask), {@link Mode#CLS} takes the
 * first token; then L2 normalisation when {@code normalize} (modules.json lists Normalize).
 *
 * @param mode      how tokens are combined
 * @param normalize divide each pooled vector by its L2 norm
 */
public record Pooling(Mode mode, boolean normalize) {

    /** Token combination. */
    public enum Mode { MEAN, CLS;

        /**
         * Parses {@code mean} or {@code cls} (case-insensitive), e.g. from a {@code --pooling} option.
         *
         * @throws ModelRuntimeException naming the value and the accepted ones
         */
        public static Mode parse(String text) {
            String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
            return switch (t) {
                case "mean" -> MEAN;
                case "cls" -> CLS;
                default -> throw new ModelRuntimeException("Unknown pooling '" + text + "'; use mean or cls.");
            };
        }
    }

    public Pooling {
        if (mode == null) {
            throw new IllegalArgumentException("pooling mode is required");
        }
    }

    /** The same normalisation with another mode (a user's override). */
    public Pooling withMode(Mode newMode) {
        return new Pooling(newMode, normalize);
    }
}
