package dev.rankscope.application.job;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.application.analyze.AnalyzeParameters;
import dev.rankscope.application.compensate.CompensateParameters;
import dev.rankscope.application.intruders.IntrudersParameters;
import dev.rankscope.application.model.CalibrateParameters;
import dev.rankscope.application.model.EvaluateParameters;
import dev.rankscope.application.plan.PlanParameters;
import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.report.ReportParameters;
import dev.rankscope.application.subspaces.SubspacesParameters;
import dev.rankscope.application.sweep.SweepParameters;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every job's Parameters record round-trips through {@link JobJson} (the provenance exports write
 * and batch runs read): one example per record with non-default values, and a discovery check
 * that fails when a {@link JobParameters} record of {@code application} has no example here.
 */
class ParametersJsonRoundTripTest {
    private static final Path DIR = Path.of("/data/runs").toAbsolutePath();

    /** One example per Parameters record, with values other than the defaults wherever a field has one. */
    static Map<Class<? extends JobParameters>, JobParameters> examples() {
        StrategyRegistry registry = StrategyRegistry.standard();
        List<String> names = registry.names();
        return Map.ofEntries(
                Map.entry(AnalyzeParameters.class, new AnalyzeParameters(DIR.resolve("model"), "q_proj|k_proj", true,
                        ConvMode.POOLED, Precision.F32, Backends.Preference.JAVA, 3, false, DIR.resolve("a.json"),
                        DIR.resolve("a.csv"), DIR.resolve("ww.csv"), AnalysisParameters.MpMode.GRID, 4)),
                Map.entry(CompensateParameters.class, new CompensateParameters("/m", "int4-g128", null, "/s",
                        CompensateParameters.Method.EORA, CompensateParameters.Selection.BUDGET, 0, 0, "2M", "energy",
                        1e-4, "/out", "java", "q_proj")),
                Map.entry(dev.rankscope.application.compensate.CompensationCurveParameters.class,
                        new dev.rankscope.application.compensate.CompensationCurveParameters(new EvaluateParameters(
                                DIR.resolve("model"), DIR.resolve("e.txt"), null, null, null, 64, 1000, null,
                                DIR.resolve("q.onnx"), DIR.resolve("adapter"), 4), List.of(0, 1, 2, 4))),
                Map.entry(IntrudersParameters.class, new IntrudersParameters(DIR.resolve("base"), DIR.resolve("lora"), true,
                        true, "self_attn", new IntruderParameters(12, 0.4), Backends.Preference.NATIVE,
                        DIR.resolve("i.json"), DIR.resolve("i.csv"), DIR.resolve("mitigated.safetensors"), 0.5)),
                Map.entry(CalibrateParameters.class, new CalibrateParameters(DIR.resolve("model"), DIR.resolve("c.txt"),
                        128, 4096, DIR.resolve("stats.safetensors"))),
                Map.entry(EvaluateParameters.class, new EvaluateParameters(DIR.resolve("model"), DIR.resolve("e.txt"),
                        DIR.resolve("plan.json"), null, DIR.resolve("stats.safetensors"), 64, 1000, DIR.resolve("dump"))),
                Map.entry(dev.rankscope.application.model.SweepParameters.class,
                        new dev.rankscope.application.model.SweepParameters(DIR.resolve("model"), DIR.resolve("e.txt"),
                                DIR.resolve("stats.safetensors"), List.of(names.get(0), names.get(1) + "@svd-llm"),
                                List.of(0.5, 0.75), 64, 1000, true)),
                Map.entry(PlanParameters.class, new PlanParameters(DIR.resolve("model"),
                        List.of(registry.defaults(names.get(0)), registry.defaults(names.get(names.size() - 1))), true,
                        Budget.bytes(1_000_000, DType.F16), Scope.defaults(), Constraints.defaults(),
                        DIR.resolve("stats.safetensors"), DataAwareParameters.of(DataAwareParameters.Method.ASVD_SCALING),
                        Backends.Preference.JAVA, 2, false, DIR.resolve("p.json"), DIR.resolve("p.csv"), null, null, true)),
                Map.entry(ReportParameters.class, new ReportParameters(DIR.resolve("model"), DIR.resolve("r.html"),
                        DIR.resolve("plan.json"), null, DIR.resolve("lora"), DIR.resolve("sweep.json"), new IntruderParameters(5, 0.3),
                        new ChartSize(640, 400), Backends.Preference.JAVA, 1, false)),
                Map.entry(SubspacesParameters.class, new SubspacesParameters(DIR.resolve("model"), "k_proj", 4, 0.8,
                        SubspacesParameters.Sides.LEFT,
                        new SubspacesParameters.Grouping(SubspacesParameters.Grouping.Kind.ADJACENT, 3),
                        0.05, 6, Backends.Preference.JAVA, DIR.resolve("s.json"), DIR.resolve("s.csv"))),
                Map.entry(SweepParameters.class, new SweepParameters(List.of("/ckpt/step-100", "/ckpt/step-200"), null,
                        "/out", List.of(), SweepParameters.Updates.CONSECUTIVE, true, new IntruderParameters(8, 0.45),
                        Backends.Preference.JAVA, 2, false)));
    }

    static Stream<JobParameters> parameters() {
        return examples().values().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parameters")
    void roundTripsThroughJobJson(JobParameters p) {
        String json = JobJson.write(p);
        JobParameters back = JobJson.read(json, p.getClass());
        assertEquals(p, back, json);
        assertEquals(json, JobJson.write(back), "writing the read record gives the same JSON");
    }

    @Test
    void everyStrategyKeepsItsNameAndParametersAndAnUnknownOneIsRefused() {
        StrategyRegistry registry = StrategyRegistry.standard();
        for (String name : registry.names()) {
            PlanParameters p = plan(registry, name);
            assertEquals(p, JobJson.read(JobJson.write(p), PlanParameters.class), name);
        }
        String first = registry.names().get(0);
        String json = JobJson.write(plan(registry, first));
        assertTrue(json.contains("\"name\" : \"" + first + "\""), json);
        assertThrows(IllegalArgumentException.class, () -> JobJson.read(
                json.replace("\"name\" : \"" + first + "\"", "\"name\" : \"no-such-strategy\""), PlanParameters.class));
    }

    private static PlanParameters plan(StrategyRegistry registry, String strategy) {
        return new PlanParameters(DIR, List.of(registry.defaults(strategy)), false, Budget.keptFraction(0.5),
                null, Constraints.defaults(), null, null, null, 0, true, null, null, null, null, false);
    }

    @Test
    void everyParametersRecordOfTheModuleHasAnExample() throws IOException, URISyntaxException {
        Path classes = Path.of(JobParameters.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Set<String> found;
        try (Stream<Path> files = Files.walk(classes)) {
            found = files.filter(f -> f.toString().endsWith(".class"))
                    .map(f -> classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .map(ParametersJsonRoundTripTest::load)
                    .filter(c -> c.isRecord() && JobParameters.class.isAssignableFrom(c))
                    .map(Class::getName)
                    .collect(Collectors.toCollection(TreeSet::new));
        }
        Set<String> covered = examples().keySet().stream().map(Class::getName).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(found.size() >= 10, "discovery found the module's records: " + found);
        assertEquals(found, covered, "a JobParameters record without an example in this test");
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, ParametersJsonRoundTripTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
