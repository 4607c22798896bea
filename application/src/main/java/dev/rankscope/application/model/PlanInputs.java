package dev.rankscope.application.model;

import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.DataAwareTransforms;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.plan.PlanSources;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Allocation inputs of a checkpoint's whole 2-D matrices (exact spectra, float64) and, with a
 * statistics file, their data-aware counterparts (SPEC §4); plans for a strategy and kept
 * fraction from either. What the quality-vs-size sweep plans with. Immutable after construction.
 */
public final class PlanInputs {
    private final TensorSource source;
    private final List<AllocationInput> weightOnly;
    private final DataAwareTransforms.Applied dataAware;
    private final String engine;

    private PlanInputs(TensorSource source, List<AllocationInput> weightOnly, DataAwareTransforms.Applied dataAware,
                       String engine) {
        this.source = source;
        this.weightOnly = List.copyOf(weightOnly);
        this.dataAware = dataAware;
        this.engine = engine;
    }

    /**
     * Computes every whole matrix's spectrum (no fused-part splits, no conv pooling) and, when
     * {@code statistics} is given, σ(W·S) with {@code method}.
     *
     * @param onMatrix called before each matrix (progress, cancel)
     */
    public static PlanInputs compute(TensorSource source, SvdBackend backend, Path statistics,
                                     DataAwareParameters method, java.util.function.BiConsumer<Integer, Integer> onMatrix) {
        List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors()).stream()
                .filter(r -> !r.id().contains(NameParser.PART) && !r.isPooled() && r.slice() < 0).toList();
        List<AllocationInput> inputs = new ArrayList<>();
        Map<String, MatrixRef> byId = new HashMap<>();
        for (int i = 0; i < refs.size(); i++) {
            onMatrix.accept(i, refs.size());
            MatrixRef ref = refs.get(i);
            byId.put(ref.id(), ref);
            SvdResult r = backend.singularValues(MatrixReader.read(source, ref), SvdBackend.Tolerance.DEFAULT);
            Spectrum s = new Spectrum(ref, r.sigma(), r.method(), Precision.F64, false, 0);
            inputs.add(AllocationInput.from(Analyzer.analyze(NameParser.parse(ref.id()),
                    source.require(ref.tensor()).dtype(), s)));
        }
        DataAwareTransforms.Applied aware = null;
        if (statistics != null) {
            try (TensorSource stats = Checkpoints.open(statistics)) {
                aware = DataAwareTransforms.apply(inputs, source, byId, stats, statistics, method,
                        a -> backend.singularValues(a, SvdBackend.Tolerance.DEFAULT));
            }
        }
        return new PlanInputs(source, inputs, aware, backend.info().describe());
    }

    /** Whether data-aware plans can be made (statistics were given). */
    public boolean hasStatistics() {
        return dataAware != null;
    }

    /** The weights-only inputs. */
    public List<AllocationInput> weightOnly() {
        return weightOnly;
    }

    /**
     * A plan at kept fraction {@code keep} of the eligible parameters with default scope and
     * constraints.
     *
     * @param aware use σ(W·S) (needs statistics) and record the data-aware provenance
     */
    public Plan plan(String strategy, double keep, boolean aware) {
        if (aware && dataAware == null) {
            throw new ModelInputException("data-aware strategy '" + strategy + "' needs calibration statistics (--stats)");
        }
        StrategyParameters sp;
        try {
            sp = dev.rankscope.analysis.allocation.StrategyRegistry.standard().defaults(strategy);
        } catch (IllegalArgumentException e) {
            throw new ModelInputException(e.getMessage());
        }
        Plan plan = Allocator.plan(aware ? dataAware.inputs() : weightOnly, Budget.keptFraction(keep), Scope.defaults(),
                Constraints.defaults(), sp).withSource(PlanSources.of(source)).withTool(ToolInfo.rankscope(engine));
        return aware ? plan.withDataAwareness(dataAware.awareness()) : plan;
    }
}
