package dev.rankscope.application.compensate;

import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.GlobalOptimalParameters;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.quant.ErrorSpace;
import dev.rankscope.analysis.quant.QuantErrorSpectrum;
import dev.rankscope.engine.tensor.DType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How compensation ranks are chosen (issue 16) — the one rule the compensate job and the
 * workbench's budget slider share. Pure; thread-safe.
 * <ul>
 *   <li>{@link CompensateParameters.Selection#RANK}: min(R, p) for every matrix;</li>
 *   <li>{@link CompensateParameters.Selection#KEEP_ERROR}: the smallest k with residual ≤ E relative to ‖W‖
 *   ({@link QuantErrorSpectrum#rankForTarget});</li>
 *   <li>{@link CompensateParameters.Selection#BUDGET}: the SPEC §4 allocator on σ/‖W‖ (weight space) or
 *   σ(E')/‖W·Q·Λ^{1/2}‖ (activation space), minimum rank 0, no dense option, the budget counting
 *   added LoRA parameters k(m+n); global-optimal with raw energy, i.e. least Σ_l ‖E_l − C_l‖²/‖W_l‖².</li>
 * </ul>
 * A matrix without an activation spectrum (an embedding table: no input activations) is ranked in weight
 * space whatever the space asked for.
 */
public final class CompensationRanks {
    private CompensationRanks() {
    }

    /**
     * Ranks for {@code spectra} (the compensated matrices), by id, in input order.
     *
     * @param notes receives the allocator's notes (budget mode)
     */
    public static Map<String, Integer> choose(List<QuantErrorSpectrum> spectra, CompensateParameters.Selection selection,
                                              int rank, double keepError, String budget, String strategy,
                                              ErrorSpace space, Consumer<String> notes) {
        Map<String, Integer> ranks = new LinkedHashMap<>();
        switch (selection) {
            case RANK -> spectra.forEach(s -> ranks.put(s.id(), Math.min(rank, Math.min(s.rows(), s.cols()))));
            case KEEP_ERROR -> spectra.forEach(s -> ranks.put(s.id(), s.rankForTarget(keepError, spaceOf(s, space))));
            case BUDGET -> {
                List<AllocationInput> inputs = new ArrayList<>();
                for (QuantErrorSpectrum s : spectra) {
                    ErrorSpace own = spaceOf(s, space);
                    double ref = own == ErrorSpace.WEIGHT ? s.weightEnergy() : s.activationWeightEnergy();
                    double scale = ref > 0 ? 1 / Math.sqrt(ref) : 1;
                    double[] sigma = s.sigma(own);
                    for (int j = 0; j < sigma.length; j++) {
                        sigma[j] *= scale;
                    }
                    MatrixName name = NameParser.parse(s.id());
                    inputs.add(new AllocationInput(s.id(), s.moduleName(), name.layer(), name.module(), s.rows(), s.cols(),
                            DType.F32, sigma, Double.NaN, Double.NaN, Double.NaN, null));
                }
                StrategyParameters sp = strategy.equals(GlobalOptimalParameters.NAME)
                        ? GlobalOptimalParameters.of(GlobalOptimalParameters.Objective.RAW_ENERGY)
                        : StrategyRegistry.standard().defaults(strategy);
                Plan plan = Allocator.plan(inputs, Budget.parse(budget).withDType(DType.F32), Scope.everything(),
                        new Constraints(0, Integer.MAX_VALUE, 1, false, Set.of()), sp);
                plan.notes().forEach(notes);
                for (QuantErrorSpectrum s : spectra) {
                    PlannedMatrix pm = plan.matrix(s.id()).orElseThrow();
                    ranks.put(s.id(), pm.factorised() ? pm.rank() : Math.min(pm.rows(), pm.cols()));
                }
            }
        }
        return ranks;
    }

    /**
     * The space {@code s}'s rank is chosen in: {@code space}, or weight space for a matrix without an
     * activation spectrum (an embedding table has no input activations).
     */
    private static ErrorSpace spaceOf(QuantErrorSpectrum s, ErrorSpace space) {
        return s.hasActivation() ? space : ErrorSpace.WEIGHT;
    }

    /** The spectra of a result's compensated rows (e.g. to move the budget without recomputing them). */
    public static List<QuantErrorSpectrum> spectra(CompensateResult result) {
        List<QuantErrorSpectrum> out = new ArrayList<>();
        for (CompensateResult.MatrixRow r : result.matrices()) {
            if (r.compensated()) {
                out.add(QuantErrorSpectrum.of(r.id(), r.module(), r.rows(), r.cols(), r.weightEnergy(), r.errorSigma(),
                        r.activationWeightEnergy(), r.activationSigma()));
            }
        }
        return out;
    }
}
