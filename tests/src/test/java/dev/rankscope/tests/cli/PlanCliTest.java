package dev.rankscope.tests.cli;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyComparison;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.plan.FactorisedExport;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rankscope plan} on the shipped {@code sample-checkpoints/tiny-llama} (rank budgets, SPEC §4–5): the CLI's
 * plan equals the library's {@link Allocator#plan} on the same spectra, the JSON re-reads, and the
 * factorised file reloads with ‖W − UV‖_F/‖W‖_F equal to the plan's rel_error to 1e-5 (SPEC §5).
 */
class PlanCliTest {
    @TempDir
    Path tmp;

    private static List<AllocationInput> inputs;

    private static Path sample() {
        String root = System.getProperty("rankscope.root");
        if (root != null && Files.isDirectory(Path.of(root, "sample-checkpoints", "tiny-llama"))) {
            return Path.of(root, "sample-checkpoints", "tiny-llama");
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("sample-checkpoints").resolve("tiny-llama");
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("sample-checkpoints/tiny-llama not found above " + Path.of("").toAbsolutePath());
    }

    /** The library's view of the sample: exact float64 spectra of every matrix. */
    @BeforeAll
    static void librarySpectra() {
        try (TensorSource source = Checkpoints.open(sample())) {
            List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
            AnalysisCollector collector = new AnalysisCollector(refs);
            new AnalyzeTask(source, refs, new OjAlgoBackend(), Precision.F64, 1, collector).run();
            inputs = collector.analyses().stream().map(AllocationInput::from).toList();
            assertEquals(refs.size(), inputs.size());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"global-optimal", "uniform-params", "energy"})
    void cliPlanEqualsTheLibraryAndTheJsonReReads(String strategy) throws Exception {
        Path json = tmp.resolve(strategy + ".json");
        Path csv = tmp.resolve(strategy + ".csv");
        Path peft = tmp.resolve("adapter_config.json");
        CliRun run = CliRun.of("plan", sample().toString(), "--strategy", strategy, "--keep", "0.5", "--engine", "java",
                "--no-cache", "--quiet", "--json", json.toString(), "--csv", csv.toString(), "--peft", peft.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.noStackTrace(), run.err());

        Plan library = Allocator.plan(inputs, Budget.keptFraction(0.5), Scope.defaults(), Constraints.defaults(),
                StrategyParameters.defaultsFor(strategy));
        Plan cli = PlanJson.read(json);
        assertEquals(strategy, cli.strategyName());
        assertEquals(library.matrices().size(), cli.matrices().size());
        for (int i = 0; i < library.matrices().size(); i++) {
            PlannedMatrix a = library.matrices().get(i);
            PlannedMatrix b = cli.matrices().get(i);
            assertEquals(a.id(), b.id());
            assertEquals(a.rank(), b.rank(), a.id());
            assertEquals(a.dense(), b.dense(), a.id());
            assertEquals(a.paramsAfter(), b.paramsAfter(), a.id());
            assertEquals(a.relativeError(), b.relativeError(), 1e-9, a.id());
        }
        assertEquals(library.totals().paramsAfter(), cli.totals().paramsAfter());
        assertTrue(cli.totals().eligibleParamsAfter() <= cli.totals().budgetParams(), "budget met");
        assertTrue(run.out().contains("kept " + library.totals().paramsAfter() + " of "
                + library.totals().paramsBefore() + " parameters"), run.out());
        assertEquals(library.matrices().size() + 1, Files.readAllLines(csv).size(), "header + one row per matrix");
        assertTrue(Files.readString(peft).contains("\"rank_pattern\""));
    }

    @Test
    void factorisedFileReloadsWithThePromisedError() {
        Path out = tmp.resolve("factorised.safetensors");
        CliRun run = CliRun.of("plan", sample().toString(), "--strategy", "global-optimal", "--keep", "0.4",
                "--engine", "java", "--no-cache", "--quiet", "--factorized", out.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.out().contains("verified"), run.out());
        Plan planned = Allocator.plan(inputs, Budget.keptFraction(0.4), Scope.defaults(), Constraints.defaults(),
                StrategyParameters.defaultsFor("global-optimal"));
        assertTrue(planned.factorised().size() > 0);
        try (TensorSource original = Checkpoints.open(sample()); TensorSource f = Checkpoints.open(out)) {
            for (PlannedMatrix m : planned.factorised()) {
                assertTrue(f.find(m.id()).isEmpty(), m.id() + " is replaced by factors");
                double[] w = original.readDouble(m.id());
                double[] u = f.readDouble(FactorisedExport.factorName(m.id(), 'U'));
                double[] v = f.readDouble(FactorisedExport.factorName(m.id(), 'V'));
                int rows = m.rows();
                int cols = m.cols();
                int k = m.rank();
                assertEquals((long) rows * k, u.length);
                assertEquals((long) k * cols, v.length);
                double diff = 0;
                double norm = 0;
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        double s = 0;
                        for (int t = 0; t < k; t++) {
                            s += u[i * k + t] * v[t * cols + j];
                        }
                        double d = w[i * cols + j] - s;
                        diff += d * d;
                        norm += w[i * cols + j] * w[i * cols + j];
                    }
                }
                assertEquals(m.relativeError(), Math.sqrt(diff / norm), 1e-5, m.id());
            }
            for (PlannedMatrix m : planned.matrices()) {
                if (m.dense()) {
                    assertTrue(f.find(m.id()).isPresent(), m.id() + " is copied");
                }
            }
        }
    }

    @Test
    void compareTableMatchesTheLibrary() {
        CliRun run = CliRun.of("plan", sample().toString(), "--compare", "uniform-params,global-optimal", "--keep", "0.5",
                "--engine", "java", "--no-cache", "--quiet");
        assertEquals(0, run.exitCode(), run.err());
        StrategyComparison cmp = StrategyComparison.compare(inputs, Budget.keptFraction(0.5), Scope.defaults(),
                Constraints.defaults(), List.of(StrategyParameters.defaultsFor("uniform-params"),
                        StrategyParameters.defaultsFor("global-optimal")));
        for (StrategyComparison.Entry e : cmp.entries()) {
            String row = run.out().lines().filter(l -> l.startsWith(e.strategy().strategyName() + " ")).findFirst()
                    .orElseThrow(() -> new AssertionError(run.out()));
            assertTrue(row.contains(Long.toString(e.plan().totals().paramsAfter())), row);
            assertTrue(row.contains(String.format(java.util.Locale.ROOT, "%.6f", e.relativeError())), row);
        }
        assertTrue(cmp.entries().get(1).relativeError() <= cmp.entries().get(0).relativeError() + 1e-12,
                "global-optimal is never worse than uniform-params on the total energy it optimises");
    }

    @Test
    void badBudgetAndUnknownStrategyAreOneLineWithExitTwo() {
        CliRun over = CliRun.of("plan", sample().toString(), "--keep", "1.5", "--engine", "java", "--quiet");
        assertEquals(2, over.exitCode(), over.err());
        assertTrue(over.err().contains("kept fraction must be in (0, 1]"), over.err());
        assertTrue(over.noStackTrace(), over.err());
        CliRun unknown = CliRun.of("plan", sample().toString(), "--strategy", "nope", "--keep", "0.5", "--quiet");
        assertEquals(2, unknown.exitCode(), unknown.err());
        assertTrue(unknown.err().contains("unknown allocation strategy 'nope'"), unknown.err());
        assertEquals(1, unknown.err().strip().lines().count(), unknown.err());
    }
}
