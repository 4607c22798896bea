package dev.rankscope.analysis.plan;

import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.AlphaParameters;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.EnergyParameters;
import dev.rankscope.analysis.allocation.GlobalOptimalParameters;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.analysis.allocation.UniformRankParameters;
import dev.rankscope.analysis.allocation.WeLoreParameters;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The exact bytes of plan JSON and CSV (SPEC §5) for several plans, compared with files captured
 * from the hand-written exporters before they moved to Jackson databind on records: the documented
 * shape stays byte-compatible, and every golden file re-imports to the plan it was written from.
 *
 * <p>Plans cover: global-optimal (both objectives), WeLore with LRC labels and a max rank, alpha
 * under a byte budget at f32 with layer ranges and a name regex, energy with nothing eligible,
 * and uniform-rank with minimum rank 0, no dense option and a zero budget (infinite compression
 * ratio, written as {@code null}); a matrix whose name holds a comma and quotes checks CSV quoting. Set {@code -Drankscope.plan.goldens=DIR} to rewrite the files
 * into DIR (only when the format is meant to change).
 */
class PlanGoldenTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T09:00:00.123Z"), ZoneOffset.UTC);
    private static final PlanSource SOURCE = new PlanSource("/models/tiny/model.safetensors", "ab".repeat(32), 17);
    private static final ToolInfo TOOL = new ToolInfo("rankscope", "0.1.0", "pure Java ojAlgo 57.1.0, 2 threads");

    static Plan plan(String name) {
        Plan p = switch (name) {
            case "global-optimal" -> Allocator.plan(PlanExportsTest.model(), Budget.keptFraction(0.4), Scope.defaults(),
                    Constraints.defaults().withRankMultiple(2).withExcluded(Set.of("model.layers.0.self_attn.o_proj")),
                    GlobalOptimalParameters.defaults(), CLOCK);
            case "global-optimal-raw" -> Allocator.plan(PlanExportsTest.model(), Budget.params(3000), Scope.everything(),
                    Constraints.defaults(), GlobalOptimalParameters.of(GlobalOptimalParameters.Objective.RAW_ENERGY), CLOCK);
            case "welore" -> Allocator.plan(PlanExportsTest.model(), Budget.keptFraction(0.5), Scope.defaults(),
                    Constraints.defaults().withMaxRank(12).withMinRank(2), new WeLoreParameters(0.3), CLOCK);
            case "alpha" -> Allocator.plan(PlanExportsTest.model(), Budget.bytes(8000, DType.F32),
                    Scope.defaults().withLayers(List.of(new Scope.LayerRange(0, 0), new Scope.LayerRange(2, 2)))
                            .withNameRegex("self_attn"),
                    Constraints.defaults().withAllowDense(false), new AlphaParameters(0.5), CLOCK);
            case "energy-nothing-eligible" -> Allocator.plan(PlanExportsTest.model(), Budget.keptFraction(0.3),
                    Scope.defaults().withNameRegex("no_such_module"), Constraints.defaults(), new EnergyParameters(), CLOCK);
            case "uniform-rank-zero" -> Allocator.plan(PlanExportsTest.model(), Budget.params(0),
                    Scope.everything().including(ModuleType.EMBED),
                    new Constraints(0, Integer.MAX_VALUE, 1, false, Set.of()), new UniformRankParameters(), CLOCK);
            case "quoted-names" -> {
                List<AllocationInput> inputs = new ArrayList<>(PlanExportsTest.model());
                inputs.add(AllocationInput.of("odd,\"name\".weight", "odd,\"name\"", 1, ModuleType.DOWN, 16, 24,
                        PlanExportsTest.spectrum(16, 0.6)));
                yield Allocator.plan(inputs, Budget.keptFraction(0.6), Scope.defaults(), Constraints.defaults(),
                        new EnergyParameters(), CLOCK);
            }
            default -> throw new IllegalArgumentException(name);
        };
        return p.withSource(SOURCE).withTool(TOOL);
    }

    static String golden(String file) throws IOException {
        try (InputStream in = PlanGoldenTest.class.getResourceAsStream("/plan-golden/" + file)) {
            assertNotNull(in, "missing golden " + file);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"global-optimal", "global-optimal-raw", "welore", "alpha", "energy-nothing-eligible",
            "uniform-rank-zero", "quoted-names"})
    void jsonAndCsvBytesMatchTheGoldens(String name) throws IOException {
        Plan plan = plan(name);
        String json = PlanJson.toJson(plan);
        String csv = PlanCsv.toCsv(plan);
        String dir = System.getProperty("rankscope.plan.goldens");
        if (dir != null) {
            Files.writeString(Path.of(dir, name + ".json"), json, StandardCharsets.UTF_8);
            Files.writeString(Path.of(dir, name + ".csv"), csv, StandardCharsets.UTF_8);
        }
        assertEquals(golden(name + ".json"), json, name + ".json");
        assertEquals(golden(name + ".csv"), csv, name + ".csv");
        Plan back = PlanJson.fromJson(golden(name + ".json"), Path.of(name + ".json"));
        assertEquals(plan, back, "the golden file re-imports to the same plan");
    }
}
