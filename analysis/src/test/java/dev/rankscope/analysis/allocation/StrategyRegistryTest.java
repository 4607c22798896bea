package dev.rankscope.analysis.allocation;

import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The strategy registry (SPEC §4): every built-in description agrees with its record (defaults,
 * ranges at the boundaries), command-line words parse, and a strategy added as one record plus
 * {@link StrategyRegistry#with} is offered and allocated under every constraint like the
 * built-in ones.
 */
class StrategyRegistryTest {

    /** A strategy that exists only in this test: every parameter kind, a trivial allocation. */
    record TestOnlyParameters(double weight, long offset, boolean reversed, GlobalOptimalParameters.Objective mode)
            implements StrategyParameters {
        static final StrategyDescription DESCRIPTION = StrategyDescription.of("test-only", "prefers later matrices",
                TestOnlyParameters.class,
                StrategyParameter.real("weight", "weight", 1.0, StrategyParameter.Range.atLeast(0), "step weight"),
                StrategyParameter.integer("offset", "offset", 0, StrategyParameter.Range.atLeast(0), "added to l"),
                StrategyParameter.flag("reversed", "reversed", false, "prefer earlier matrices"),
                StrategyParameter.choice("mode", "mode", GlobalOptimalParameters.Objective.RAW_ENERGY, List.of(
                        new StrategyParameter.Choice(GlobalOptimalParameters.Objective.RAW_ENERGY, "raw", List.of()),
                        new StrategyParameter.Choice(GlobalOptimalParameters.Objective.NORMALISED_ENERGY, "normalized",
                                List.of("normalised"))), "unused"));

        TestOnlyParameters {
            if (!(weight >= 0) || offset < 0) {
                throw new IllegalArgumentException("weight and offset must be ≥ 0");
            }
        }

        @Override
        public StrategyDescription description() {
            return DESCRIPTION;
        }

        @Override
        public StrategyOutcome allocate(RankLadder[] ladders, long budgetParams) {
            return new StrategyOutcome(new int[ladders.length],
                    (l, level) -> weight * ((reversed ? -l : l) + offset), List.of("test-only ran"));
        }
    }

    @Test
    void builtInDefaultsAreTheDocumentedOnes() {
        StrategyRegistry r = StrategyRegistry.standard();
        assertEquals(List.of("uniform-params", "uniform-rank", "energy", "global-optimal", "effective-rank", "welore",
                "stable-rank", "alpha", "explained-variance"), r.names());
        assertEquals(new WeLoreParameters(0.5), r.defaults("welore"));
        assertEquals(new AlphaParameters(0.3), r.defaults("alpha"));
        assertEquals(new GlobalOptimalParameters(GlobalOptimalParameters.Objective.NORMALISED_ENERGY,
                GlobalOptimalParameters.DEFAULT_EXACT_WORK_LIMIT), r.defaults("global-optimal"));
        for (StrategyDescription d : r.descriptions()) {
            StrategyParameters p = d.defaults();
            assertEquals(d.name(), p.strategyName());
            assertEquals(d, p.description());
            assertEquals(d.parameters().stream().map(StrategyParameter::defaultValue).toList(), d.values(p));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.defaults("nope"));
        assertTrue(e.getMessage().contains("known: uniform-params, "), e.getMessage());
    }

    /** The form's ranges and the record's compact constructor accept and reject the same boundary values. */
    @Test
    void everyRangeAgreesWithItsRecordAtTheBoundaries() throws Exception {
        int checked = 0;
        for (StrategyDescription d : StrategyRegistry.standard().descriptions()) {
            for (int i = 0; i < d.parameters().size(); i++) {
                StrategyParameter sp = d.parameters().get(i);
                StrategyParameter.Range range = sp.range();
                for (double end : new double[] {range.min(), range.max()}) {
                    if (!Double.isFinite(end)) {
                        continue;
                    }
                    for (double v : new double[] {Math.nextDown(end), end, Math.nextUp(end)}) {
                        Object value = sp.kind() == StrategyParameter.Kind.INTEGER ? (Object) (long) Math.floor(v) : v;
                        double asDouble = ((Number) value).doubleValue();
                        boolean formSays = range.contains(asDouble);
                        boolean recordSays = constructs(d, i, value);
                        assertEquals(formSays, recordSays, d.name() + "." + sp.name() + " = " + value);
                        checked++;
                    }
                }
            }
        }
        assertTrue(checked >= 9, "welore, alpha and global-optimal have bounded parameters: " + checked);
    }

    private static boolean constructs(StrategyDescription d, int index, Object value) throws Exception {
        RecordComponent[] comps = d.type().getRecordComponents();
        List<Object> args = new ArrayList<>(d.values(d.defaults()));
        args.set(index, value);
        Class<?>[] types = new Class<?>[comps.length];
        for (int i = 0; i < comps.length; i++) {
            types[i] = comps[i].getType();
        }
        try {
            d.type().getDeclaredConstructor(types).newInstance(args.toArray());
            return true;
        } catch (InvocationTargetException e) {
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
            return false;
        }
    }

    @Test
    void commandLineWordsAndNamesParse() {
        StrategyDescription go = GlobalOptimalParameters.DESCRIPTION;
        GlobalOptimalParameters base = GlobalOptimalParameters.defaults();
        for (String word : List.of("raw", "RAW", "raw_energy")) {
            assertEquals(GlobalOptimalParameters.Objective.RAW_ENERGY,
                    ((GlobalOptimalParameters) go.with(base, Map.of("objective", word))).objective(), word);
        }
        for (String word : List.of("normalized", "normalised", "NORMALISED_ENERGY")) {
            assertEquals(GlobalOptimalParameters.Objective.NORMALISED_ENERGY,
                    ((GlobalOptimalParameters) go.with(GlobalOptimalParameters.of(GlobalOptimalParameters.Objective.RAW_ENERGY),
                            Map.of("objective", word))).objective(), word);
        }
        for (String name : List.of("exactWorkLimit", "exact_work_limit", "exact-work-limit")) {
            assertEquals(1_000L, ((GlobalOptimalParameters) go.with(base, Map.of(name, "1_000"))).exactWorkLimit(), name);
        }
        assertEquals("objective, exact_work_limit", go.keys());
        assertEquals("none", EnergyParameters.DESCRIPTION.keys());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> go.with(base, Map.of("tau", "0.9")));
        assertEquals("global-optimal has no parameter 'tau' (valid: objective, exact_work_limit)", unknown.getMessage());
        IllegalArgumentException range = assertThrows(IllegalArgumentException.class,
                () -> WeLoreParameters.DESCRIPTION.with(WeLoreParameters.defaults(), Map.of("lrc_drop_share", "1")));
        assertEquals("LRC drop share must be in [0, 1), got 1.0", range.getMessage(), "the record's own message");
        IllegalArgumentException word = assertThrows(IllegalArgumentException.class,
                () -> go.with(base, Map.of("objective", "sideways")));
        assertEquals("objective must be one of raw, normalized, got 'sideways'", word.getMessage());
        assertEquals("raw | normalized", go.parameter("objective").orElseThrow().accepts());
        assertEquals("number [0, 1)", AlphaParameters.DESCRIPTION.parameters().get(0).accepts());
        assertEquals("integer ≥ 0", go.parameter("exact_work_limit").orElseThrow().accepts());
    }

    @Test
    void aDescriptionMustMatchItsRecord() {
        assertThrows(IllegalArgumentException.class, () -> StrategyDescription.of("bad", "", AlphaParameters.class));
        assertThrows(IllegalArgumentException.class, () -> StrategyDescription.of("bad", "", AlphaParameters.class,
                StrategyParameter.real("eps", "eps", 0.3, StrategyParameter.Range.ANY, "")));
        assertThrows(IllegalArgumentException.class, () -> StrategyDescription.of("bad", "", AlphaParameters.class,
                StrategyParameter.integer("epsilon", "epsilon", 0, StrategyParameter.Range.ANY, "")));
        assertThrows(IllegalArgumentException.class,
                () -> StrategyRegistry.standard().with(AlphaParameters.DESCRIPTION), "names are unique");
    }

    /** Adding a strategy is one record: the registry offers it and Allocator keeps every SPEC §4 rule. */
    @Test
    void aTestOnlyStrategyIsOfferedAndObeysEveryConstraint() {
        StrategyRegistry r = StrategyRegistry.standard().with(TestOnlyParameters.DESCRIPTION);
        assertEquals("test-only", r.names().get(r.names().size() - 1));
        assertEquals(List.of(), StrategyRegistry.standard().find("test-only").stream().toList(), "standard unchanged");
        assertEquals(new TestOnlyParameters(1.0, 0, false, GlobalOptimalParameters.Objective.RAW_ENERGY),
                r.defaults("test-only"));
        TestOnlyParameters p = (TestOnlyParameters) TestOnlyParameters.DESCRIPTION.with(r.defaults("test-only"),
                Map.of("weight", "2.5", "offset", "3", "reversed", "true", "mode", "normalised"));
        assertEquals(new TestOnlyParameters(2.5, 3, true, GlobalOptimalParameters.Objective.NORMALISED_ENERGY), p);

        Random rnd = new Random(14);
        int feasible = 0;
        for (int trial = 0; trial < 60; trial++) {
            List<AllocationInput> inputs = AllocationFixtures.inputs(rnd, 2 + rnd.nextInt(6), 24);
            Constraints c = AllocationFixtures.randomConstraints(rnd)
                    .withExcluded(java.util.Set.of(inputs.get(0).id()));
            long eligible = inputs.stream().skip(1).mapToLong(AllocationInput::params).sum();
            Budget budget = Budget.params(rnd.nextInt((int) Math.max(1, eligible)) + 1);
            try {
                Plan plan = Allocator.plan(inputs, budget, Scope.everything(), c, p);
                assertTrue(plan.matrices().get(0).dense() && !plan.matrices().get(0).eligible(), "excluded stays dense");
                assertEquals(List.of("test-only ran"), plan.notes());
                BudgetComplianceTest.assertCompliant(plan, c, plan.totals().budgetParams(), "trial " + trial);
                feasible++;
            } catch (AllocationException e) {
                assertTrue(e.getMessage().contains("rank constraints need at least"), e.getMessage());
            }
        }
        assertTrue(feasible > 30, "most random cases are feasible: " + feasible);
    }
}
