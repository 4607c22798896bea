package dev.rankscope.application.plan;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.DataAwareTransforms;
import dev.rankscope.analysis.allocation.DataAwareness;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.plan.FactorisedExport;
import dev.rankscope.analysis.plan.FactorisedExportParameters;
import dev.rankscope.analysis.plan.FactorisedExportResult;
import dev.rankscope.analysis.plan.PlanSources;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.analyze.AnalyzeResult;
import dev.rankscope.application.analyze.SpectraTask;
import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code plan}: one rank per matrix under a budget (SPEC §4) from the spectra of the matrices
 * {@link MatrixListing} lists (the same listing as {@code analyze}, the workbench and the report;
 * q/k/v parts of a fused projection are views of a matrix already budgeted, so only whole matrices
 * are planned unless the parameters ask for the parts in place of their fused matrix,
 * {@link #budgeted}), with the SPEC §5 exports written through {@link PlanExports}
 * and the factorised safetensors verified by re-reading. Every export is checked against the
 * inputs before any work ({@link ProtectedInputs}). The Budget tab plans through {@link #plan}
 * and exports through {@link PlanExports}, so both front ends write the same bytes.
 *
 * <p>Notes: the data-aware count, the plan's own notes (prefixed {@code "note: "}), the progress
 * of the factorised export. Thread-safe; each task is one run.
 */
public final class PlanJob implements Job<PlanParameters, PlanResult> {
    private final AnalyzeJob analyze;

    /** @param analyze the analysis job whose environment (engine, cache, memory, clock) the spectra use */
    public PlanJob(AnalyzeJob analyze) {
        this.analyze = analyze;
    }

    @Override
    public String name() {
        return "plan";
    }

    /** Whether a listed matrix is budgeted: whole matrices only (parts are views of one). */
    public static boolean budgeted(MatrixRef ref) {
        return !ref.isPart();
    }

    /**
     * The listed matrices a plan budgets: whole matrices, or with {@code fusedParts} the q/k/v
     * parts of each fused projection in place of the fused matrix (a plan then gives each part
     * its own rank; the factorised export writes the parts, SPEC §5).
     */
    public static List<MatrixRef> budgeted(List<MatrixRef> listed, boolean fusedParts) {
        if (!fusedParts) {
            return listed.stream().filter(PlanJob::budgeted).toList();
        }
        java.util.Set<String> split = new java.util.HashSet<>();
        for (MatrixRef r : listed) {
            if (r.isPart()) {
                split.add(r.tensor());
            }
        }
        return listed.stream().filter(r -> r.isPart() || !split.contains(r.tensor())).toList();
    }

    /** Whether a listing has q/k/v parts of a fused projection that {@code fusedParts} planning would budget. */
    public static boolean hasFusedParts(List<MatrixRef> listed) {
        return listed.stream().anyMatch(MatrixRef::isPart);
    }

    /**
     * σ(W·S) in place of σ(W) for every input whose module has statistics (SPEC §4; a q/k/v part
     * uses its fused module's, SPEC §8), with the provenance the plan records. The weights are read
     * as {@link MatrixListing} lists them, so a GPT-2 Conv1D weight is whitened as the (out, in)
     * matrix and a part as its rows: the one data-aware step of {@code plan}, the quality-vs-size
     * sweep and the Budget tab.
     *
     * @param singularValues e.g. {@code a -> backend.singularValues(a, Tolerance.DEFAULT)}; may check for cancel
     */
    public static DataAwareTransforms.Applied dataAware(List<AllocationInput> inputs, TensorSource source,
                                                        Path statistics, DataAwareParameters method,
                                                        java.util.function.Function<Matrix, SvdResult> singularValues) {
        Map<String, MatrixRef> refs = new HashMap<>();
        for (MatrixRef r : MatrixListing.of(source, false, ConvMode.RESHAPE).matrices()) {
            refs.put(r.id(), r);
        }
        try (TensorSource stats = Checkpoints.open(statistics)) {
            return DataAwareTransforms.apply(inputs, source, refs, stats, statistics, method, singularValues);
        }
    }

    /** The plan of {@code inputs} with its provenance: the one allocation call of the CLI and the Budget tab. */
    public static Plan plan(List<AllocationInput> inputs, Budget budget, Scope scope, Constraints constraints,
                            StrategyParameters strategy, PlanSource source, String engineDescription) {
        return Allocator.plan(inputs, budget, scope, constraints, strategy)
                .withSource(source)
                .withTool(ToolInfo.rankscope(engineDescription));
    }

    @Override
    public JobTask<PlanResult> task(PlanParameters parameters) {
        return new Run(parameters);
    }

    private final class Run extends JobTask<PlanResult> {
        private final PlanParameters p;

        Run(PlanParameters p) {
            super("Plan of " + p.checkpoint().getFileName());
            this.p = p;
        }

        @Override
        protected PlanResult compute() {
            SvdBackend backend = analyze.backend(p.engine());
            try (TensorSource source = Checkpoints.open(p.checkpoint())) {
                List<Path> inputs = ProtectedInputs.of(source);
                inputs.add(p.stats());
                AtomicFileWriter files = ProtectedInputs.checked(inputs, p.json(), p.csv(), p.peft(), p.factorized());
                MatrixListing listing = MatrixListing.of(source, false, ConvMode.RESHAPE);
                List<MatrixRef> whole = budgeted(listing.matrices(), p.fusedParts());
                if (p.fusedParts() && whole.stream().noneMatch(MatrixRef::isPart)) {
                    note("note: " + p.checkpoint().getFileName() + " lists no fused q/k/v projection to split; "
                            + "whole matrices are planned");
                }
                AnalyzeResult analysis = runStep(analyze.spectra(source, listing.matrices(), whole,
                        new SpectraTask.Engine(backend, Precision.F64, p.parallelism(),
                                p.useCache() ? analyze.cacheFolder() : null, analyze.memory(), analyze.cacheLimit()), null));
                List<AllocationInput> allocation = new ArrayList<>();
                for (MatrixAnalysis a : analysis.analysis().matrices()) {
                    allocation.add(AllocationInput.from(a));
                }
                DataAwareness awareness = p.stats() == null ? null : dataAware(allocation, source, backend);
                int dataAware = awareness == null ? 0 : awareness.modules().size();
                if (p.compare()) {
                    StrategyComparison cmp = StrategyComparison.compare(allocation, p.budget(), p.scope(),
                            p.constraints(), p.strategies());
                    return new PlanResult(analysis, null, cmp, null, dataAware, List.of());
                }
                Plan plan = plan(allocation, p.budget(), p.scope(), p.constraints(), p.strategies().get(0),
                        PlanSources.of(source), backend.info().describe()).withDataAwareness(awareness);
                plan.notes().forEach(n -> note("note: " + n));
                List<Path> written = new ArrayList<>();
                export(plan, PlanExports.Format.JSON, p.json(), files, written);
                export(plan, PlanExports.Format.CSV, p.csv(), files, written);
                export(plan, PlanExports.Format.PEFT, p.peft(), files, written);
                FactorisedExportResult factorised = null;
                if (p.factorized() != null) {
                    try (TensorSource statistics = p.stats() == null ? null : Checkpoints.open(p.stats())) {
                        factorised = FactorisedExport.export(plan, source, p.factorized(), backend::svd,
                                FactorisedExportParameters.defaults(), files, (index, total, tensor) -> {
                                    checkCancelled();
                                    if (total > 0 && (index % Math.max(1, total / 10) == 0)) {
                                        note(String.format(Locale.ROOT, "writing %d/%d (%s)", index + 1, total, tensor.name()));
                                    }
                                }, FactorisedExport.transformsFor(plan, statistics));
                    }
                }
                return new PlanResult(analysis, plan, null, factorised, dataAware, written);
            }
        }

        private void export(Plan plan, PlanExports.Format format, Path target, AtomicFileWriter files, List<Path> written) {
            if (target != null) {
                PlanExports.write(plan, format, target, files);
                written.add(target);
            }
        }

        /**
         * Replaces inputs with data-aware spectra where the statistics file has them; the
         * provenance the plan records (method, statistics sha256, damping used per matrix).
         */
        private DataAwareness dataAware(List<AllocationInput> allocation, TensorSource source, SvdBackend backend) {
            DataAwareTransforms.Applied applied = PlanJob.dataAware(allocation, source, p.stats(), p.statsMethod(), a -> {
                checkCancelled();
                return backend.singularValues(a, SvdBackend.Tolerance.DEFAULT);
            });
            for (int i = 0; i < allocation.size(); i++) {
                allocation.set(i, applied.inputs().get(i));
            }
            note("data-aware (" + applied.awareness().method() + ") spectra for " + applied.awareness().modules().size()
                    + " of " + allocation.size() + " matrices from " + p.stats().getFileName());
            return applied.awareness();
        }
    }
}
