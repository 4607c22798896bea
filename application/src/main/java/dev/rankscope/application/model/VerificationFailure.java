package dev.rankscope.application.model;

import dev.rankscope.analysis.allocation.DataAwareTransforms;
import dev.rankscope.analysis.allocation.DataAwareness;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.plan.FactorisedExportResult;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.Locale;

/**
 * The one sentence for a compressed model whose factors failed their re-read verification (SPEC
 * §5): which matrix, the error its factors give against the plan's, and the likely cause. A
 * data-aware matrix whose statistics saw fewer tokens than it has inputs has a rank-deficient
 * Gram: the whitening S = chol(XᵀX + δ·mean(diag)·I) (SPEC §4/§8) succeeds, but S is then
 * ill-conditioned and the float32 factors (W·S)_k·S⁻¹ may not reproduce the activation-space error
 * — the sentence says so and what to do, instead of blaming the checkpoint.
 */
final class VerificationFailure {
    private VerificationFailure() {
    }

    static String describe(FactorisedExportResult r, Plan plan, Path statistics) {
        FactorisedExportResult.FactorCheck bad = r.factorChecks().stream().filter(c -> !c.withinTolerance()).findFirst()
                .orElse(null);
        if (bad == null) {
            return "tensor " + r.copyMismatches().get(0) + " of the compressed model differs from the checkpoint's; "
                    + "the plan does not describe this checkpoint";
        }
        String id = plan.matrix(bad.matrix()).map(PlannedMatrix::id).orElse(bad.matrix());
        String head = String.format(Locale.ROOT, "%s: its rank-%d factors give a relative error of %.3g, not the plan's %.3g",
                id, bad.rank(), bad.measuredRelativeError(), bad.planRelativeError());
        DataAwareness aware = plan.dataAware();
        DataAwareness.ModuleTransform transform = aware == null ? null : aware.modules().get(id);
        PlannedMatrix pm = plan.matrix(id).orElse(null);
        if (transform == null || pm == null || statistics == null) {
            return head + "; the plan does not describe this checkpoint";
        }
        String module = DataAwareTransforms.statisticsModule(pm.moduleName());
        long tokens = tokens(statistics, module);
        String whitening = "cholesky".equals(transform.factorisation())
                ? String.format(Locale.ROOT, "whitened by chol(XᵀX + δ·mean(diag)·I) with δ = %.3g", transform.damping())
                : String.format(Locale.ROOT, "scaled by a diagonal S (floor δ = %.3g)", transform.damping());
        if (tokens >= 0 && tokens < pm.cols()) {
            return head + String.format(Locale.ROOT, " — %s's statistics have %d tokens for %d inputs (rank-deficient), "
                    + "%s (SPEC §4), so S is ill-conditioned; calibrate on at least %d tokens or use a weights-only strategy",
                    module, tokens, pm.cols(), whitening, pm.cols());
        }
        return head + " (" + whitening + "); the plan does not describe this checkpoint and "
                + statistics.getFileName() + " (was either file changed after planning?)";
    }

    /** {@code <module>.tokens} of the statistics file, or -1 when it has none. */
    private static long tokens(Path statistics, String module) {
        try (TensorSource s = Checkpoints.open(statistics)) {
            return s.find(module + ".tokens").map(t -> (long) s.readDouble(t.name())[0]).orElse(-1L);
        }
    }
}
