package dev.rankscope.application.compensate;

import dev.rankscope.application.job.JobParameters;
import dev.rankscope.application.model.EvaluateParameters;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The quality-vs-rank curve of a compensation (issue 16 §5): the evaluation of a quantized model and
 * its compensation adapter, repeated with the adapter cut to each rank.
 *
 * @param evaluation the evaluation of the quantized model + the full adapter ({@code quantized} and
 *                   {@code adapter} set; its {@code adapterRank} is ignored)
 * @param ranks      the ranks to evaluate, each ≥ 0 (0 = the quantized model alone); sorted and made
 *                   distinct here
 */
public record CompensationCurveParameters(EvaluateParameters evaluation, List<Integer> ranks) implements JobParameters {

    public CompensationCurveParameters {
        Objects.requireNonNull(evaluation, "evaluation");
        if (evaluation.quantized() == null || evaluation.adapter() == null) {
            throw new IllegalArgumentException("a quality-vs-rank curve needs a quantized model and its compensation adapter");
        }
        if (ranks == null || ranks.isEmpty()) {
            throw new IllegalArgumentException("give at least one rank for the quality-vs-rank curve");
        }
        for (int r : ranks) {
            if (r < 0) {
                throw new IllegalArgumentException("ranks must be at least 0 (0 = no compensation), got " + r);
            }
        }
        ranks = List.copyOf(new TreeSet<>(ranks));
    }

    /** 0, 1, 2, 4, … (powers of two below {@code maxRank}) and {@code maxRank}: a curve's default ranks. */
    public static List<Integer> doublingRanks(int maxRank) {
        List<Integer> out = new ArrayList<>(List.of(0));
        for (int r = 1; r < maxRank; r *= 2) {
            out.add(r);
        }
        if (maxRank > 0) {
            out.add(maxRank);
        }
        return out;
    }
}
