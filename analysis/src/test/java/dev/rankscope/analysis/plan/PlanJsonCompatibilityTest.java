package dev.rankscope.analysis.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.GlobalOptimalParameters;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.RankLadder;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyDescription;
import dev.rankscope.analysis.allocation.StrategyOutcome;
import dev.rankscope.analysis.allocation.StrategyParameter;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.allocation.WeLoreParameters;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plan JSON reading beyond the round trip (SPEC §5): files written before the optional fields
 * existed still import, strict typing refuses coerced values with one message naming the field,
 * and {@code "strategy": {"parameters"}} carries exactly the registry description's parameters,
 * also for a strategy registered only in this test.
 */
class PlanJsonCompatibilityTest {
    private static final ObjectMapper OM = new ObjectMapper();

    /** A strategy from outside the allocation package, with two parameters. */
    record HalfParameters(double share, boolean flip) implements StrategyParameters {
        static final StrategyDescription DESCRIPTION = StrategyDescription.of("half", "test strategy",
                HalfParameters.class,
                StrategyParameter.real("share", "share", 0.5, StrategyParameter.Range.halfOpen(0, 1), ""),
                StrategyParameter.flag("flip", "flip", false, ""));

        @Override
        public StrategyDescription description() {
            return DESCRIPTION;
        }

        @Override
        public StrategyOutcome allocate(RankLadder[] ladders, long budgetParams) {
            return new StrategyOutcome(new int[ladders.length], (l, i) -> flip ? l : -l, List.of());
        }
    }

    private static ObjectNode tree(String golden) throws Exception {
        return (ObjectNode) OM.readTree(PlanGoldenTest.golden(golden));
    }

    private static PlanFileException rejected(JsonNode root) {
        PlanFileException e = assertThrows(PlanFileException.class,
                () -> PlanJson.fromJson(root.toString(), Path.of("p.json")));
        assertEquals(PlanFileException.Kind.MALFORMED, e.kind(), e.userMessage());
        assertEquals(1, e.userMessage().lines().count(), e.userMessage());
        return e;
    }

    @Test
    void olderFilesWithoutOptionalFieldsImport() throws Exception {
        Plan expected = PlanGoldenTest.plan("welore");
        ObjectNode root = tree("welore.json");
        root.remove("notes");
        ((ObjectNode) root.get("constraints")).remove("max_rank");
        for (JsonNode m : root.get("matrices")) {
            ((ObjectNode) m).remove("label");
        }
        ((ObjectNode) root.at("/strategy/parameters")).remove("lrc_drop_share");
        Plan old = PlanJson.fromJson(root.toString(), Path.of("old.json"));
        assertEquals(List.of(), old.notes());
        assertEquals(Integer.MAX_VALUE, old.constraints().maxRank(), "no max_rank: unlimited");
        assertEquals(WeLoreParameters.defaults(), old.strategy(), "a missing parameter takes its default");
        assertEquals(expected.matrices().size(), old.matrices().size());
        assertEquals(expected.totals(), old.totals());
    }

    @Test
    void strictTypesAndRequiredFieldsNameTheField() throws Exception {
        ObjectNode missing = tree("alpha.json");
        ((ObjectNode) missing.get("matrices").get(1)).remove("rank");
        assertTrue(rejected(missing).userMessage().contains("'rank'"), rejected(missing).userMessage());

        ObjectNode fractional = tree("alpha.json");
        ((ObjectNode) fractional.get("matrices").get(1)).put("rank", 2.5);
        assertTrue(rejected(fractional).userMessage().contains("matrices[1].rank"), rejected(fractional).userMessage());

        ObjectNode text = tree("alpha.json");
        ((ObjectNode) text.get("matrices").get(1)).put("params_after", "120");
        assertTrue(rejected(text).userMessage().contains("matrices[1].params_after"), rejected(text).userMessage());

        ObjectNode extra = tree("alpha.json");
        ((ObjectNode) extra.get("source")).put("colour", "blue");
        assertTrue(rejected(extra).userMessage().contains("colour"), rejected(extra).userMessage());

        ObjectNode unknownParameter = tree("global-optimal.json");
        ((ObjectNode) unknownParameter.at("/strategy/parameters")).put("tau", 0.9);
        assertTrue(rejected(unknownParameter).userMessage().contains(
                "global-optimal has no parameter 'tau' (valid: objective, exact_work_limit)"),
                rejected(unknownParameter).userMessage());

        ObjectNode badObjective = tree("global-optimal.json");
        ((ObjectNode) badObjective.at("/strategy/parameters")).put("objective", "SIDEWAYS");
        rejected(badObjective);

        ObjectNode outOfRange = tree("welore.json");
        ((ObjectNode) outOfRange.at("/strategy/parameters")).put("lrc_drop_share", 1.5);
        assertTrue(rejected(outOfRange).userMessage().contains("LRC drop share must be in [0, 1)"),
                rejected(outOfRange).userMessage());

        ObjectNode badSource = tree("alpha.json");
        ((ObjectNode) badSource.get("source")).putNull("path");
        rejected(badSource);
    }

    @Test
    void theStrategyEntryIsTheRegistryDescription() throws Exception {
        for (StrategyDescription d : StrategyRegistry.standard().descriptions()) {
            Plan p = Allocator.plan(PlanExportsTest.model(), Budget.keptFraction(0.5), Scope.defaults(),
                    Constraints.defaults(), d.defaults());
            JsonNode params = OM.readTree(PlanJson.toJson(p)).at("/strategy/parameters");
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = params.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            assertEquals(d.parameters().stream().map(StrategyParameter::key).toList(), keys, d.name());
        }
        Plan raw = Allocator.plan(PlanExportsTest.model(), Budget.keptFraction(0.5), Scope.defaults(),
                Constraints.defaults(), new GlobalOptimalParameters(GlobalOptimalParameters.Objective.RAW_ENERGY, 7));
        JsonNode params = OM.readTree(PlanJson.toJson(raw)).at("/strategy/parameters");
        assertEquals("RAW_ENERGY", params.get("objective").asText());
        assertEquals(7, params.get("exact_work_limit").asLong());

        StrategyRegistry registry = StrategyRegistry.standard().with(HalfParameters.DESCRIPTION);
        Plan half = Allocator.plan(PlanExportsTest.model(), Budget.keptFraction(0.5), Scope.defaults(),
                Constraints.defaults(), new HalfParameters(0.25, true));
        String json = PlanJson.toJson(half);
        assertTrue(json.contains("\"share\" : 0.25") && json.contains("\"flip\" : true"), json);
        assertEquals(half, PlanJson.fromJson(json, null, registry), "a registered strategy round-trips");
        PlanFileException e = assertThrows(PlanFileException.class, () -> PlanJson.fromJson(json, null));
        assertTrue(e.userMessage().contains("unknown allocation strategy 'half'"), e.userMessage());
    }
}
