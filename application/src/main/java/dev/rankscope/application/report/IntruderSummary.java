package dev.rankscope.application.report;

import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.intruders.IntruderReport;
import dev.rankscope.analysis.intruders.Pairing;
import dev.rankscope.analysis.naming.ModuleType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What the report shows of a base/fine-tune comparison (SPEC §3, Shuttleworth et al. 2024): the
 * intruder counts at one (k, ε), per layer and module, and the matrices that have intruders.
 * A plain snapshot, independent of how the comparison was computed, so the report can be
 * rendered and tested without singular vectors. Immutable (maps and arrays copied).
 *
 * @param base              the base checkpoint as the user gave it
 * @param tuned             the fine-tuned checkpoint or adapter folder
 * @param k                 top fine-tuned vectors examined
 * @param epsilon           cosine threshold
 * @param pairedMatrices    matrices compared
 * @param perLayerAndModule intruder count per layer (−1 outside the blocks) and module type
 * @param matrices          matrices with at least one intruder, most intruders first
 * @param notes             one sentence each: shape mismatches, one-sided tensors, failed pairs
 */
public record IntruderSummary(String base, String tuned, int k, double epsilon, int pairedMatrices,
                              SortedMap<Integer, Map<ModuleType, Integer>> perLayerAndModule,
                              List<MatrixIntruders> matrices, List<String> notes) {

    /**
     * One matrix with intruders, as the report lists it.
     *
     * @param name              matrix id
     * @param shape             {@code m×n}
     * @param intruders         ranks j, σ_j(W_t) and c_j (&lt; ε) of its intruders (SPEC §3)
     * @param spectralDistance  ‖σ_t − σ₀‖₂/‖σ₀‖₂, NaN when unknown
     */
    public record MatrixIntruders(String name, String shape, IntruderMatrixResult.Intruders intruders,
                                  double spectralDistance) {
        public MatrixIntruders {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(shape, "shape");
            Objects.requireNonNull(intruders, "intruders");
        }

        /** Number of intruders. */
        public int count() {
            return intruders.count();
        }
    }

    public IntruderSummary {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(tuned, "tuned");
        if (k < 1 || !(epsilon >= 0 && epsilon <= 1) || pairedMatrices < 0) {
            throw new IllegalArgumentException("k must be ≥ 1, ε in [0, 1], paired matrices ≥ 0");
        }
        TreeMap<Integer, Map<ModuleType, Integer>> copy = new TreeMap<>();
        perLayerAndModule.forEach((layer, byModule) -> {
            EnumMap<ModuleType, Integer> m = new EnumMap<>(ModuleType.class);
            m.putAll(byModule);
            copy.put(layer, Collections.unmodifiableMap(m));
        });
        perLayerAndModule = Collections.unmodifiableSortedMap(copy);
        matrices = List.copyOf(matrices);
        notes = List.copyOf(notes);
    }

    /**
     * The summary of {@code report} at {@code params}: counts from {@link IntruderReport#perLayerAndModule},
     * matrices with intruders (most first, then in pairing order), and one note per shape mismatch,
     * one-sided tensor list and failed pair.
     */
    public static IntruderSummary of(IntruderReport report, IntruderParameters params) {
        List<MatrixIntruders> rows = new ArrayList<>();
        for (IntruderMatrixResult r : report.matrices()) {
            IntruderMatrixResult.Intruders in = r.intruders(params);
            if (in.count() > 0) {
                rows.add(new MatrixIntruders(r.name().id(), r.shapeString(), in, r.spectralDistance()));
            }
        }
        rows.sort(Comparator.comparingInt(MatrixIntruders::count).reversed());
        List<String> notes = new ArrayList<>();
        for (Pairing.ShapeMismatch m : report.pairing().mismatches()) {
            notes.add("shape mismatch, skipped: " + m.name() + " (base " + m.baseShape() + ", fine-tuned " + m.tunedShape() + ")");
        }
        if (!report.pairing().onlyInBase().isEmpty()) {
            notes.add(report.pairing().onlyInBase().size() + " matrices only in the base, skipped: "
                    + String.join(", ", report.pairing().onlyInBase()));
        }
        if (!report.pairing().onlyInTuned().isEmpty()) {
            notes.add(report.pairing().onlyInTuned().size() + " matrices only in the fine-tune, skipped: "
                    + String.join(", ", report.pairing().onlyInTuned()));
        }
        for (IntruderReport.MatrixFailure f : report.failures()) {
            notes.add("not compared: " + f.name() + ": " + f.message());
        }
        return new IntruderSummary(report.base(), report.tuned(), params.k(), params.epsilon(), report.matrices().size(),
                report.perLayerAndModule(params), rows, notes);
    }

    /** Model total: Σ intruders over all layers and modules. */
    public int total() {
        return perLayerAndModule.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).sum();
    }
}
