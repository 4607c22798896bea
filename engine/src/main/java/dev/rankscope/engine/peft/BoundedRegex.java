package dev.rankscope.engine.peft;

import dev.rankscope.engine.RankscopeException;

import java.util.regex.Pattern;

/**
 * Matches a regular expression taken from a file (PEFT's {@code target_modules}, rank_pattern keys)
 * with a bounded amount of work, so a hostile pattern with catastrophic backtracking cannot hang
 * Rankscope. Java's regex engine reads its input only through {@link CharSequence#charAt}; the
 * wrapper counts those reads and gives up past {@link #MAX_STEPS}. Found by fuzzing the readers.
 */
final class BoundedRegex {
    /** Character reads allowed per match: far above any real module name × pattern, far below a hang. */
    static final long MAX_STEPS = 2_000_000;

    private BoundedRegex() {
    }

    /** {@code pattern.matcher(input).matches()}, refusing with a clear message when it would not finish. */
    static boolean matches(Pattern pattern, String input) {
        try {
            return pattern.matcher(new CountingSequence(input, new long[] {0})).matches();
        } catch (TooMuchWork e) {
            throw new RankscopeException("adapter_config.json: the regular expression '" + abbreviate(pattern.pattern())
                    + "' takes too long to match module names (catastrophic backtracking); simplify it");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 57) + "...";
    }

    private static final class TooMuchWork extends RuntimeException {
        TooMuchWork() {
            super(null, null, false, false);
        }
    }

    private record CountingSequence(String text, long[] steps) implements CharSequence {
        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if (++steps[0] > MAX_STEPS) {
                throw new TooMuchWork();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new CountingSequence(text.substring(start, end), steps);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
