package dev.rankscope.application.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * SPEC §8 windows: the token ids of the whole text split into non-overlapping windows of L
 * tokens; the last may be shorter but keeps at least 2 tokens (a shorter tail is dropped, its
 * single token could not be predicted from anything). Position 0 of each window is context only.
 */
public final class TokenWindows {
    private TokenWindows() {
    }

    /**
     * Splits {@code ids} into windows, at most {@code maxTokens} tokens in all (0 = no limit).
     *
     * @param origin names the text in the error message
     * @throws ModelInputException when the text has fewer tokens than one window
     */
    public static List<int[]> split(int[] ids, int seqLen, long maxTokens, String origin) {
        if (seqLen < 2) {
            throw new ModelInputException("--seq-len must be at least 2, got " + seqLen);
        }
        int total = maxTokens > 0 ? (int) Math.min(ids.length, maxTokens) : ids.length;
        if (total < seqLen) {
            throw new ModelInputException(origin + ": the text has " + total + " tokens, fewer than one window of "
                    + seqLen + "; use a longer text or a smaller --seq-len");
        }
        List<int[]> out = new ArrayList<>();
        for (int start = 0; start < total; start += seqLen) {
            int end = Math.min(total, start + seqLen);
            if (end - start >= 2) {
                out.add(Arrays.copyOfRange(ids, start, end));
            }
        }
        return out;
    }

    /** Positions scored over {@code windows}: Σ (len − 1). */
    public static long predicted(List<int[]> windows) {
        long n = 0;
        for (int[] w : windows) {
            n += w.length - 1;
        }
        return n;
    }
}
