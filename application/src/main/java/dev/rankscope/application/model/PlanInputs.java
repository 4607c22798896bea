package dev.rankscope.application.model;

import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.DataAwareTransforms;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.plan.PlanSources;
import dev.rankscope.application.plan.PlanJob;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Allocation inputs of a checkpoint's matrices as {@code rankscope plan} budgets them (exact
 * spectra, float64; whole matrices, or with {@code fusedParts} the q/k/v parts of each fused
 * projection in place of the fused matrix, {@link PlanJob#budgeted(List, boolean)}) and, with a
 * statistics file, their data-aware counterparts ({@link PlanJob#dataAware}, SPEC §4); plans for
 * a strategy and kept fraction from either through {@link PlanJob#plan}. What the quality-vs-size
 * sweep plans with, so that a sweep point is the plan {@code plan --keep F [--fused-parts]} makes.
 * Immutable after construction.
 */
public final class PlanInputs {
    private final TensorSource source;
    private final List<AllocationInput> weightOnly;
    private final DataAwareTransforms.Applied dataAware;
    private final String engine;
    private final boolean fusedParts;

    private PlanInputs(TensorSource source, List<AllocationInput> weightOnly, DataAwareTransforms.Applied dataAware,
                       String engine, boolean fusedParts) {
        this.source = source;
        this.weightOnly = List.copyOf(weightOnly);
        this.dataAware = dataAware;
        this.engine = engine;
        this.fusedParts = fusedParts;
    }

    /**
     * Computes the spectrum of every whole matrix (no fused-part splits) and, when
     * {@code statistics} is given, σ(W·S) with {@code method}.
     *
     * @param onMatrix called before each matrix (progress, cancel)
     */
    public static PlanInputs compute(TensorSource source, SvdBackend backend, Path statistics,
                                     DataAwareParameters method, BiConsumer<Integer, Integer> onMatrix) {
        return compute(source, backend, statistics, method, false, onMatrix);
    }

    /**
     * As {@link #compute(TensorSource, SvdBackend, Path, DataAwareParameters, BiConsumer)}; with
     * {@code fusedParts} the q/k/v parts of fused projections are budgeted in place of the fused
     * matrix (when the checkpoint lists none, whole matrices are planned, {@link #fusedParts()} false).
     */
    public static PlanInputs compute(TensorSource source, SvdBackend backend, Path statistics,
                                     DataAwareParameters method, boolean fusedParts, BiConsumer<Integer, Integer> onMatrix) {
        List<MatrixRef> listed = MatrixListing.of(source, false, ConvMode.RESHAPE).matrices();
        List<MatrixRef> refs = PlanJob.budgeted(listed, fusedParts);
        List<AllocationInput> inputs = new ArrayList<>();
        for (int i = 0; i < refs.size(); i++) {
            onMatrix.accept(i, refs.size());
            MatrixRef ref = refs.get(i);
            SvdResult r = backend.singularValues(MatrixReader.read(source, ref), SvdBackend.Tolerance.DEFAULT);
            Spectrum s = new Spectrum(ref, r.sigma(), r.method(), Precision.F64, false, 0);
            inputs.add(AllocationInput.from(Analyzer.analyze(NameParser.parse(ref.id()),
                    source.require(ref.tensor()).dtype(), s)));
        }
        DataAwareTransforms.Applied aware = statistics == null ? null
                : PlanJob.dataAware(inputs, source, statistics, method,
                        a -> backend.singularValues(a, SvdBackend.Tolerance.DEFAULT));
        return new PlanInputs(source, inputs, aware, backend.info().describe(),
                fusedParts && PlanJob.hasFusedParts(refs));
    }

    /** Whether data-aware plans can be made (statistics were given). */
    public boolean hasStatistics() {
        return dataAware != null;
    }

    /** Whether the q/k/v parts of fused projections are budgeted in place of the fused matrices. */
    public boolean fusedParts() {
        return fusedParts;
    }

    /** The weights-only inputs. */
    public List<AllocationInput> weightOnly() {
        return weightOnly;
    }

    /**
     * A plan at kept fraction {@code keep} of the eligible parameters with default scope and
     * constraints (those of {@code rankscope plan --keep}).
     *
     * @param aware use σ(W·S) (needs statistics) and record the data-aware provenance
     */
    public Plan plan(String strategy, double keep, boolean aware) {
        if (aware && dataAware == null) {
            throw new ModelInputException("data-aware strategy '" + strategy + "' needs calibration statistics (--stats)");
        }
        StrategyParameters sp;
        try {
            sp = StrategyRegistry.standard().defaults(strategy);
        } catch (IllegalArgumentException e) {
            throw new ModelInputException(e.getMessage());
        }
        Plan plan = PlanJob.plan(aware ? dataAware.inputs() : weightOnly, Budget.keptFraction(keep), Scope.defaults(),
                Constraints.defaults(), sp, PlanSources.of(source), engine);
        return aware ? plan.withDataAwareness(dataAware.awareness()) : plan;
    }
}
