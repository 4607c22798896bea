package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.naming.ModuleType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Random and hand-made allocation inputs for tests (seeded, reproducible). */
final class AllocationFixtures {
    private AllocationFixtures() {
    }

    static final ModuleType[] TYPES = {ModuleType.Q, ModuleType.K, ModuleType.V, ModuleType.O,
            ModuleType.GATE, ModuleType.UP, ModuleType.DOWN};

    /** A descending spectrum of length p: decaying, sometimes with ties, zeros or flat. */
    static double[] spectrum(Random rnd, int p) {
        double[] s = new double[p];
        int kind = rnd.nextInt(6);
        double decay = 0.05 + rnd.nextDouble() * 1.5;
        for (int i = 0; i < p; i++) {
            s[i] = switch (kind) {
                case 0 -> 1.0;                                         // flat
                case 1 -> i < p / 2 ? 3.0 : 0.0;                       // exact zeros and ties
                case 2 -> Math.round(4 * Math.exp(-decay * i));        // integer ties
                default -> (0.5 + rnd.nextDouble()) * Math.exp(-decay * i) * 10;
            };
        }
        for (int i = 0; i < p; i++) {
            s[i] = Math.max(0, s[i]);
        }
        Arrays.sort(s);
        for (int i = 0, j = p - 1; i < j; i++, j--) {
            double t = s[i];
            s[i] = s[j];
            s[j] = t;
        }
        return s;
    }

    static AllocationInput input(Random rnd, int idx, int layer, int maxDim) {
        int m = 1 + rnd.nextInt(maxDim);
        int n = 1 + rnd.nextInt(maxDim);
        ModuleType t = TYPES[rnd.nextInt(TYPES.length)];
        String module = "model.layers." + layer + ".x" + idx + "." + t.label() + "_proj";
        return AllocationInput.of(module + ".weight", module, layer, t, m, n, spectrum(rnd, Math.min(m, n)))
                .withAlpha(1.5 + 4 * rnd.nextDouble());
    }

    static List<AllocationInput> inputs(Random rnd, int count, int maxDim) {
        List<AllocationInput> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(input(rnd, i, i / 3, maxDim));
        }
        return list;
    }

    static Constraints randomConstraints(Random rnd) {
        int min = rnd.nextInt(3);
        int max = rnd.nextInt(4) == 0 ? min + rnd.nextInt(6) : Integer.MAX_VALUE;
        int mult = 1 + rnd.nextInt(3);
        return new Constraints(min, max, mult, rnd.nextInt(4) != 0, java.util.Set.of());
    }

    /** Every strategy with default parameters. */
    static List<StrategyParameters> allStrategies() {
        List<StrategyParameters> list = new ArrayList<>();
        for (String name : StrategyRegistry.standard().names()) {
            list.add(StrategyRegistry.standard().defaults(name));
        }
        list.add(GlobalOptimalParameters.of(GlobalOptimalParameters.Objective.RAW_ENERGY));
        list.add(new GlobalOptimalParameters(GlobalOptimalParameters.Objective.NORMALISED_ENERGY, 0));
        return list;
    }
}
