package dev.rankscope.application.compensate;

import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.model.EvaluateJob;
import dev.rankscope.application.model.EvaluateParameters;
import dev.rankscope.application.model.EvaluateResult;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The quality-vs-rank curve (issue 16 §5), run by the Quantize tab: the {@link EvaluateJob} of the
 * quantized model with its compensation adapter cut to each rank k (each module's first k LoRA
 * components, which for Rankscope's adapters is the rank-k SVD or EoRA compensation, SPEC §9), and of
 * the quantized model alone for k = 0. One exported adapter at the largest rank gives the whole curve,
 * no re-export per rank. Progress is split evenly over the ranks; Cancel stops the running evaluation.
 */
public final class CompensationCurveJob implements Job<CompensationCurveParameters, CompensationCurveResult> {
    private final Function<EvaluateParameters, JobTask<EvaluateResult>> evaluate;

    /** The production job. */
    public CompensationCurveJob() {
        this(p -> new EvaluateJob().task(p));
    }

    /** A job with the evaluation replaced (tests). */
    public CompensationCurveJob(Function<EvaluateParameters, JobTask<EvaluateResult>> evaluate) {
        this.evaluate = evaluate;
    }

    @Override
    public String name() {
        return "compensation-curve";
    }

    @Override
    public JobTask<CompensationCurveResult> task(CompensationCurveParameters p) {
        return new JobTask<>("Quality vs rank") {
            @Override
            protected CompensationCurveResult compute() {
                List<CompensationCurveResult.Point> points = new ArrayList<>();
                List<Integer> ranks = p.ranks();
                for (int i = 0; i < ranks.size(); i++) {
                    int k = ranks.get(i);
                    EvaluateParameters e = p.evaluation();
                    EvaluateParameters at = new EvaluateParameters(e.model(), e.text(), null, null, e.statistics(),
                            e.seqLen(), e.maxTokens(), null, e.quantized(), k == 0 ? null : e.adapter(), k);
                    EvaluateResult r = runStep(evaluate.apply(at), (double) i / ranks.size(), (i + 1.0) / ranks.size(),
                            "rank " + k);
                    points.add(new CompensationCurveResult.Point(k, r));
                }
                return new CompensationCurveResult(points);
            }
        };
    }
}
