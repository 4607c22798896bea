package dev.rankscope.runtime;

import java.util.List;

/**
 * Sequences concatenated into one token batch: rows {@code [start(s), start(s)+length(s))} of
 * every activation matrix belong to sequence {@code s}. Positions restart at 0 in each sequence.
 */
final class Batch {
    final int[] ids;
    final int[] starts;
    final int[] lengths;
    final int maxLength;

    Batch(List<int[]> sequences, int vocab) {
        int total = 0;
        int max = 0;
        starts = new int[sequences.size()];
        lengths = new int[sequences.size()];
        for (int s = 0; s < sequences.size(); s++) {
            int[] seq = sequences.get(s);
            if (seq.length == 0) {
                throw new ModelRuntimeException("Sequence " + s + " of the batch has no tokens.");
            }
            starts[s] = total;
            lengths[s] = seq.length;
            total = Math.addExact(total, seq.length);
            max = Math.max(max, seq.length);
        }
        ids = new int[total];
        for (int s = 0; s < sequences.size(); s++) {
            int[] seq = sequences.get(s);
            for (int i = 0; i < seq.length; i++) {
                if (seq[i] < 0 || seq[i] >= vocab) {
                    throw new ModelRuntimeException("Token id " + seq[i] + " (sequence " + s + ", position " + i
                            + ") is outside the model's vocabulary of " + vocab + ".");
                }
            }
            System.arraycopy(seq, 0, ids, starts[s], seq.length);
        }
        maxLength = max;
    }

    int tokens() {
        return ids.length;
    }

    int sequences() {
        return starts.length;
    }

    /** Position of batch row {@code row} within its sequence. */
    int[] positions() {
        int[] pos = new int[ids.length];
        for (int s = 0; s < starts.length; s++) {
            for (int i = 0; i < lengths[s]; i++) {
                pos[starts[s] + i] = i;
            }
        }
        return pos;
    }
}
