package dev.rankscope.application.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which matrices of a series can be compared (issue 17 item 5: a series with mixed architectures
 * or shapes compares what matches and lists the rest). A matrix is compared between two
 * checkpoints when both list it under the same id with the same shape (m × n). Pure; immutable.
 *
 * @param shapes per checkpoint (series order), matrix id → {rows, cols}, in listing order; null
 *               for a checkpoint that could not be opened
 */
public record SeriesMatching(List<Map<String, int[]>> shapes) {

    public SeriesMatching {
        List<Map<String, int[]>> copy = new ArrayList<>();
        for (Map<String, int[]> m : shapes) {
            copy.add(m == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(m)));
        }
        shapes = java.util.Collections.unmodifiableList(copy);
    }

    /**
     * The matching of a series from each checkpoint's listing (series order; null for a
     * checkpoint that could not be opened).
     */
    public static SeriesMatching of(List<List<dev.rankscope.engine.spectrum.MatrixRef>> listings) {
        List<Map<String, int[]>> shapes = new ArrayList<>();
        for (List<dev.rankscope.engine.spectrum.MatrixRef> refs : listings) {
            Map<String, int[]> m = null;
            if (refs != null) {
                m = new LinkedHashMap<>();
                for (dev.rankscope.engine.spectrum.MatrixRef r : refs) {
                    m.put(r.id(), new int[] {r.rows(), r.cols()});
                }
            }
            shapes.add(m);
        }
        return new SeriesMatching(shapes);
    }

    /** The ids listed by both checkpoints {@code a} and {@code b} with the same shape, in {@code b}'s order. */
    public List<String> comparable(int a, int b) {
        Map<String, int[]> sa = shapes.get(a);
        Map<String, int[]> sb = shapes.get(b);
        if (sa == null || sb == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        sb.forEach((id, shape) -> {
            int[] other = sa.get(id);
            if (other != null && other[0] == shape[0] && other[1] == shape[1]) {
                out.add(id);
            }
        });
        return out;
    }

    /**
     * One line per matrix that is not in every opened checkpoint with the first opened
     * checkpoint's shape: where it is missing or of another shape. Empty for a uniform series.
     *
     * @param labels checkpoint labels, series order
     */
    public List<String> unmatched(List<String> labels) {
        int ref = -1;
        for (int i = 0; i < shapes.size() && ref < 0; i++) {
            if (shapes.get(i) != null) {
                ref = i;
            }
        }
        if (ref < 0) {
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        shapes.stream().filter(java.util.Objects::nonNull).forEach(m -> ids.addAll(m.keySet()));
        List<String> out = new ArrayList<>();
        Map<String, int[]> first = shapes.get(ref);
        for (String id : ids) {
            List<String> missing = new ArrayList<>();
            List<String> reshaped = new ArrayList<>();
            int[] refShape = first.get(id);
            for (int i = 0; i < shapes.size(); i++) {
                Map<String, int[]> m = shapes.get(i);
                if (m == null) {
                    continue;
                }
                int[] s = m.get(id);
                if (s == null) {
                    missing.add(labels.get(i));
                } else if (refShape != null && (s[0] != refShape[0] || s[1] != refShape[1])) {
                    reshaped.add(labels.get(i) + " (" + s[0] + "×" + s[1] + ")");
                }
            }
            if (refShape == null) {
                out.add(id + ": not in " + labels.get(ref) + " (the first checkpoint); missing from "
                        + SeriesOrder.abbreviate(missing) + "; not compared with the first");
            } else if (!missing.isEmpty() || !reshaped.isEmpty()) {
                StringBuilder sb = new StringBuilder(id).append(": ");
                if (!missing.isEmpty()) {
                    sb.append("missing from ").append(SeriesOrder.abbreviate(missing));
                }
                if (!reshaped.isEmpty()) {
                    sb.append(missing.isEmpty() ? "" : "; ").append("shape differs from ").append(refShape[0]).append("×")
                            .append(refShape[1]).append(" in ").append(SeriesOrder.abbreviate(reshaped));
                }
                out.add(sb.append("; compared only where it matches").toString());
            }
        }
        return out;
    }
}
