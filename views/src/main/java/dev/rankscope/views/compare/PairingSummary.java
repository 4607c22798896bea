package dev.rankscope.views.compare;

import dev.rankscope.analysis.intruders.Pairing;
import dev.rankscope.application.intruders.ComparisonInputs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the Compare tab says about a pairing before the analysis runs: one summary line (pairs,
 * mismatches, memory per pair at peak) and the notes listing what is skipped — mismatched shapes
 * and names on one side only, listed rather than fatal (SPEC §3).
 */
final class PairingSummary {
    private PairingSummary() {
    }

    /** {@code "12 matrix pairs · 1 mismatched · about 3 MiB per pair at peak"}. */
    static String line(ComparisonInputs inputs) {
        Pairing pairing = inputs.pairing();
        return String.format(Locale.ROOT, "%d matrix pairs%s · %d mismatched · about %s per pair at peak",
                pairing.pairs().size(), inputs.isAdapter() ? " changed by the adapter" : "", pairing.mismatches().size(),
                bytes(inputs.peakBytesPerPair()));
    }

    /** The inputs' own notes, then what the pairing skipped ({@link Pairing#skippedLines()}). */
    static List<String> notes(ComparisonInputs inputs) {
        List<String> notes = new ArrayList<>(inputs.notes());
        notes.addAll(inputs.pairing().skippedLines());
        return notes;
    }

    /** Whole MiB (at least 1), or GiB with one decimal from 1 GiB on. */
    static String bytes(long b) {
        return b >= (1L << 30) ? String.format(Locale.ROOT, "%.1f GiB", b / (double) (1L << 30))
                : String.format(Locale.ROOT, "%d MiB", Math.max(1, (b + (1 << 20) - 1) >> 20));
    }
}
