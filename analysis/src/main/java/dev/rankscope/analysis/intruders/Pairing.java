package dev.rankscope.analysis.intruders;

import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Base and tuned matrices matched by name (SPEC §3 inputs; SPEC §7 decides what a matrix is).
 * A tensor present in both checkpoints with the same shape yields one pair per matrix it holds
 * (one for 2-D, E for a 3-D expert tensor); a tensor whose shapes differ is listed in
 * {@link #mismatches()}; matrix tensors on one side only are listed by name. None of this is
 * fatal: the analysis runs on the pairs. Non-matrix tensors (norms, biases) are ignored.
 * Immutable.
 *
 * @param pairs        matched matrices, in the base's tensor order
 * @param mismatches   tensors with the same name but different shapes
 * @param onlyInBase   matrix tensors missing from the tuned checkpoint
 * @param onlyInTuned  matrix tensors missing from the base checkpoint
 */
public record Pairing(List<MatrixPair> pairs, List<ShapeMismatch> mismatches, List<String> onlyInBase,
                      List<String> onlyInTuned) {

    /** One base matrix and its tuned counterpart (same id and shape). */
    public record MatrixPair(MatrixRef base, MatrixRef tuned) {
        public MatrixPair {
            if (base.rows() != tuned.rows() || base.cols() != tuned.cols()) {
                throw new IllegalArgumentException("pair " + base.id() + ": " + base.shapeString()
                        + " vs " + tuned.shapeString());
            }
        }

        /** The matrix id shared by both sides. */
        public String name() {
            return base.id();
        }
    }

    /** A tensor whose shape differs between the checkpoints. Shapes as {@code 4096×4096}. */
    public record ShapeMismatch(String name, String baseShape, String tunedShape) { }

    public Pairing {
        pairs = List.copyOf(pairs);
        mismatches = List.copyOf(mismatches);
        onlyInBase = List.copyOf(onlyInBase);
        onlyInTuned = List.copyOf(onlyInTuned);
    }

    /** Pairs every matrix of {@code base} with the same-named matrix of {@code tuned}. Reads no data. */
    public static Pairing of(TensorSource base, TensorSource tuned) {
        Map<String, TensorInfo> tunedByName = new LinkedHashMap<>();
        for (TensorInfo t : tuned.tensors()) {
            tunedByName.put(t.name(), t);
        }
        List<MatrixPair> pairs = new ArrayList<>();
        List<ShapeMismatch> mismatches = new ArrayList<>();
        List<String> onlyBase = new ArrayList<>();
        for (TensorInfo b : base.tensors()) {
            List<MatrixRef> baseRefs = MatrixExtractor.matrices(b);
            TensorInfo t = tunedByName.remove(b.name());
            if (t == null) {
                if (!baseRefs.isEmpty()) {
                    onlyBase.add(b.name());
                }
                continue;
            }
            List<MatrixRef> tunedRefs = MatrixExtractor.matrices(t);
            if (baseRefs.isEmpty() && tunedRefs.isEmpty()) {
                continue;
            }
            if (!Arrays.equals(b.shape(), t.shape()) || baseRefs.size() != tunedRefs.size()) {
                mismatches.add(new ShapeMismatch(b.name(), b.shapeString(), t.shapeString()));
                continue;
            }
            for (int i = 0; i < baseRefs.size(); i++) {
                pairs.add(new MatrixPair(baseRefs.get(i), tunedRefs.get(i)));
            }
        }
        List<String> onlyTuned = new ArrayList<>();
        for (TensorInfo t : tunedByName.values()) {
            if (!MatrixExtractor.matrices(t).isEmpty()) {
                onlyTuned.add(t.name());
            }
        }
        return new Pairing(pairs, mismatches, onlyBase, onlyTuned);
    }

    /** The same pairing keeping only the pairs that pass {@code keep}; the lists of unpaired names stay. */
    public Pairing filter(Predicate<MatrixPair> keep) {
        return new Pairing(pairs.stream().filter(keep).toList(), mismatches, onlyInBase, onlyInTuned);
    }

    /**
     * What was skipped, as the CLI prints it and the Compare tab lists it: one line per shape
     * mismatch ({@code shape mismatch (skipped): NAME base [..], tuned [..]}), then
     * {@code only in base (skipped): …} and {@code only in tuned (skipped): …} when not empty.
     */
    public List<String> skippedLines() {
        List<String> lines = new ArrayList<>();
        for (ShapeMismatch m : mismatches) {
            lines.add("shape mismatch (skipped): " + m.name() + " base " + m.baseShape() + ", tuned " + m.tunedShape());
        }
        if (!onlyInBase.isEmpty()) {
            lines.add("only in base (skipped): " + String.join(", ", onlyInBase));
        }
        if (!onlyInTuned.isEmpty()) {
            lines.add("only in tuned (skipped): " + String.join(", ", onlyInTuned));
        }
        return lines;
    }
}
