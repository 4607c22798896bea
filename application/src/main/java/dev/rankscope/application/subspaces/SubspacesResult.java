package dev.rankscope.application.subspaces;

import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.analysis.subspace.JointDecomposition;
import dev.rankscope.analysis.subspace.Side;

import java.util.List;

/**
 * The geometry between the selected matrices of one checkpoint (SPEC §11). Immutable.
 *
 * @param source        the checkpoint
 * @param parameters    what was asked
 * @param matrices      the compared matrices in checkpoint order
 * @param pairs         every compared pair and side
 * @param groups        the joint decompositions of the requested groups
 * @param suggestion    the greedy adjacent-layer grouping (only for adjacent groups; else null)
 * @param memoryBytes   the memory estimate of the singular bases held during the run
 * @param notes         what was skipped and why (one line each)
 */
public record SubspacesResult(SourceInfo source, SubspacesParameters parameters, List<String> matrices,
                              List<Pair> pairs, List<Group> groups, Suggestion suggestion, long memoryBytes,
                              List<String> notes) {
    public SubspacesResult {
        matrices = List.copyOf(matrices);
        pairs = List.copyOf(pairs);
        groups = List.copyOf(groups);
        notes = List.copyOf(notes);
    }

    /**
     * One compared pair.
     *
     * @param cosines cos θ_1 ≥ … ≥ cos θ_k
     * @param overlap ‖U_aᵀU_b‖²_F / k
     */
    public record Pair(String a, String b, Side side, int k, double[] cosines, double overlap) {
        public Pair {
            cosines = cosines.clone();
        }

        @Override
        public double[] cosines() {
            return cosines.clone();
        }
    }

    /**
     * One group's joint decomposition.
     *
     * @param kind  adjacent, experts or kv
     * @param joint shared vs separate at the target error
     */
    public record Group(String kind, JointDecomposition.Result joint) {
    }

    /**
     * The greedy adjacent-layer grouping (AdjacentGrouping).
     *
     * @param groups      member ids of each suggested group, in layer order
     * @param params      what the suggested groups cost at the target error
     * @param aloneParams what every layer alone costs at the same error
     */
    public record Suggestion(List<List<String>> groups, long params, long aloneParams) {
        public Suggestion {
            groups = groups.stream().map(List::copyOf).toList();
        }
    }
}
