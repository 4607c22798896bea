package dev.rankscope.application.intruders;

import dev.rankscope.analysis.intruders.IntruderTask;
import dev.rankscope.analysis.intruders.Pairing;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * An opened base/tuned pair ready for the intruder analysis of SPEC §3: both tensor sources
 * (for a LoRA adapter the tuned side is the base with the adapter merged on), the
 * {@link Pairing} of their matrices and notes for the user. Owns the sources it was given:
 * {@link #close()} releases them (call off the FX thread; it never throws). Immutable otherwise.
 */
public final class ComparisonInputs implements AutoCloseable {
    private final Path basePath;
    private final Path tunedPath;
    private final TensorSource base;
    private final TensorSource tuned;
    private final PeftAdapter adapter;
    private final Pairing pairing;
    private final List<String> notes;

    /**
     * @param basePath  what the user chose as base
     * @param tunedPath what the user chose as tuned (checkpoint or adapter folder)
     * @param base      opened base
     * @param tuned     opened tuned checkpoint, or the merged base + adapter
     * @param adapter   the adapter when {@code tunedPath} is one, else null (closed with the rest)
     * @param pairing   matrices to compare (for an adapter: only those it changes)
     * @param notes     one sentence each (skipped adapter tensors and the like)
     */
    public ComparisonInputs(Path basePath, Path tunedPath, TensorSource base, TensorSource tuned, PeftAdapter adapter,
                            Pairing pairing, List<String> notes) {
        this.basePath = basePath;
        this.tunedPath = tunedPath;
        this.base = base;
        this.tuned = tuned;
        this.adapter = adapter;
        this.pairing = pairing;
        this.notes = List.copyOf(notes);
    }

    public Path basePath() {
        return basePath;
    }

    public Path tunedPath() {
        return tunedPath;
    }

    public TensorSource base() {
        return base;
    }

    public TensorSource tuned() {
        return tuned;
    }

    /** True when the tuned side is a PEFT LoRA adapter merged onto the base. */
    public boolean isAdapter() {
        return adapter != null;
    }

    public Pairing pairing() {
        return pairing;
    }

    public List<String> notes() {
        return notes;
    }

    /**
     * Peak bytes while the largest pair is analysed ({@link IntruderTask#estimatedPeakBytes}); 0
     * when nothing is paired.
     */
    public long peakBytesPerPair() {
        return pairing.pairs().stream().max(Comparator.comparingLong(p -> p.base().numel()))
                .map(p -> IntruderTask.estimatedPeakBytes(p.base().rows(), p.base().cols())).orElse(0L);
    }

    /** Closes the tuned source, the adapter and the base. Never throws. */
    @Override
    public void close() {
        if (tuned != base) {
            tuned.close();
        }
        if (adapter != null) {
            adapter.close();
        }
        base.close();
    }
}
