package dev.rankscope.application.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The data of the Series tab's charts (issue 17 item 1), computed from the sweep's long table:
 * trajectories (a quantity against the step for one matrix, for one module type with one line per
 * layer, or for one layer with one line per module type) and the layer × checkpoint heatmap of a
 * module type. Where several rows fall on one point (MoE experts of a layer) the point is their
 * mean over finite values, as the layer map averages. Pure functions; thread-safe.
 */
public final class SeriesPlots {
    /** Line and row label of matrices outside the transformer blocks (embeddings, lm_head). */
    public static final String OUTSIDE = "outside";

    private SeriesPlots() {
    }

    /** What a trajectory chart shows: one matrix, one module type (a line per layer) or one layer (a line per module). */
    public enum ScopeKind { MATRIX, MODULE, LAYER }

    /**
     * The chosen scope.
     *
     * @param kind  what {@code value} names
     * @param value a matrix id, a module label ({@code q}, {@code down}…) or a layer index as text
     */
    public record Scope(ScopeKind kind, String value) {
    }

    /**
     * The x axis of a series: the parsed steps when every checkpoint has one and they increase
     * in series order, else the position in the series (0, 1, …).
     *
     * @param label  axis label
     * @param values x of checkpoint i
     */
    public record Axis(String label, double[] values) {
        public Axis {
            values = values.clone();
        }

        @Override
        public double[] values() {
            return values.clone();
        }

        /** True when x is the training step. */
        public boolean bySteps() {
            return label.equals("step");
        }

        /** The axis of {@code series}. */
        public static Axis of(List<SeriesMember> series) {
            double[] x = new double[series.size()];
            boolean steps = !series.isEmpty();
            for (int i = 0; i < x.length; i++) {
                Long s = series.get(i).step();
                steps &= s != null && (i == 0 || series.get(i - 1).step() == null || s > series.get(i - 1).step());
                x[i] = i;
            }
            if (!steps) {
                return new Axis("checkpoint (series order)", x);
            }
            for (int i = 0; i < x.length; i++) {
                x[i] = series.get(i).step();
            }
            return new Axis("step", x);
        }
    }

    /**
     * One line of a trajectory chart.
     *
     * @param label legend label ({@code L3}, {@code q}, the matrix id, {@value #OUTSIDE})
     * @param layer the layer the line belongs to (colour by depth), or null
     * @param x     x of each point (checkpoints where the line has no value are left out)
     * @param y     y of each point
     */
    public record Line(String label, Integer layer, double[] x, double[] y) {
        public Line {
            x = x.clone();
            y = y.clone();
        }

        @Override
        public double[] x() {
            return x.clone();
        }

        @Override
        public double[] y() {
            return y.clone();
        }
    }

    /**
     * A trajectory chart's data.
     *
     * @param quantity what y is
     * @param scope    what the lines are
     * @param axis     what x is
     * @param lines    the lines, in layer (or module) order
     */
    public record Trajectories(SeriesQuantity quantity, Scope scope, Axis axis, List<Line> lines) {
        public Trajectories {
            lines = List.copyOf(lines);
        }
    }

    /**
     * The layer × checkpoint grid of one module type.
     *
     * @param quantity     what z is
     * @param module       the module type
     * @param rowLabels    {@value #OUTSIDE} first when present, then {@code L0, L1, …}
     * @param columnAxis   what the columns are: {@code step} (labels are the steps, when {@link Axis} is by
     *                     steps) or {@code checkpoint} (labels are the checkpoint names)
     * @param columnLabels one per checkpoint, series order
     * @param z            z[row][column], NaN where no row has a value
     */
    public record Heatmap(SeriesQuantity quantity, String module, List<String> rowLabels, String columnAxis,
                          List<String> columnLabels, double[][] z) {
        public Heatmap {
            rowLabels = List.copyOf(rowLabels);
            columnLabels = List.copyOf(columnLabels);
            z = deepCopy(z);
        }

        @Override
        public double[][] z() {
            return deepCopy(z);
        }

        private static double[][] deepCopy(double[][] a) {
            double[][] c = new double[a.length][];
            for (int i = 0; i < a.length; i++) {
                c[i] = a[i].clone();
            }
            return c;
        }
    }

    /** Matrix ids of the table, in first-seen order. */
    public static List<String> matrices(SweepResult r) {
        return distinct(r.rows(), SweepRow::matrix);
    }

    /** Module labels of the table: those inside the transformer blocks first, each group in first-seen order. */
    public static List<String> modules(SweepResult r) {
        java.util.Set<String> inBlocks = new java.util.HashSet<>(r.rows().stream().filter(x -> x.layer() != null)
                .map(SweepRow::module).toList());
        List<String> out = new ArrayList<>(distinct(r.rows(), SweepRow::module));
        out.sort(java.util.Comparator.comparing((String m) -> !inBlocks.contains(m)));
        return List.copyOf(out);
    }

    /** Layer indices of the table, ascending. */
    public static List<Integer> layers(SweepResult r) {
        return List.copyOf(new TreeSet<>(r.rows().stream().filter(x -> x.layer() != null).map(SweepRow::layer).toList()));
    }

    /** The trajectories of {@code quantity} over {@code scope}. */
    public static Trajectories trajectories(SweepResult r, SeriesQuantity quantity, Scope scope) {
        Axis axis = Axis.of(r.series());
        Predicate<SweepRow> in;
        Function<SweepRow, String> line;
        switch (scope.kind()) {
            case MATRIX -> {
                in = x -> x.matrix().equals(scope.value());
                line = SweepRow::matrix;
            }
            case MODULE -> {
                in = x -> x.module().equals(scope.value());
                line = x -> x.layer() == null ? OUTSIDE : "L" + x.layer();
            }
            default -> {
                in = x -> x.layer() != null && String.valueOf(x.layer()).equals(scope.value());
                line = SweepRow::module;
            }
        }
        Map<String, Integer> layerOf = new LinkedHashMap<>();
        Map<String, double[][]> sums = new LinkedHashMap<>();
        for (SweepRow row : sorted(r.rows(), scope.kind() == ScopeKind.MODULE)) {
            double v = quantity.of(row);
            if (!in.test(row) || row.checkpointIndex() >= axis.values.length) {
                continue;
            }
            String key = line.apply(row);
            layerOf.putIfAbsent(key, row.layer());
            double[][] s = sums.computeIfAbsent(key, k -> new double[2][axis.values.length]);
            if (Double.isFinite(v)) {
                s[0][row.checkpointIndex()] += v;
                s[1][row.checkpointIndex()]++;
            }
        }
        List<Line> lines = new ArrayList<>();
        sums.forEach((key, s) -> {
            List<double[]> points = new ArrayList<>();
            for (int i = 0; i < axis.values.length; i++) {
                if (s[1][i] > 0) {
                    points.add(new double[] {axis.values[i], s[0][i] / s[1][i]});
                }
            }
            lines.add(new Line(key, scope.kind() == ScopeKind.LAYER ? null : layerOf.get(key),
                    points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray()));
        });
        return new Trajectories(quantity, scope, axis, lines);
    }

    /** The layer × checkpoint heatmap of {@code quantity} for module type {@code module}. */
    public static Heatmap heatmap(SweepResult r, SeriesQuantity quantity, String module) {
        int n = r.series().size();
        TreeMap<Integer, double[][]> byLayer = new TreeMap<>();
        for (SweepRow row : r.rows()) {
            double v = quantity.of(row);
            if (!row.module().equals(module) || row.checkpointIndex() >= n) {
                continue;
            }
            double[][] s = byLayer.computeIfAbsent(row.layer() == null ? -1 : row.layer(), k -> new double[2][n]);
            if (Double.isFinite(v)) {
                s[0][row.checkpointIndex()] += v;
                s[1][row.checkpointIndex()]++;
            }
        }
        List<String> rowLabels = new ArrayList<>();
        double[][] z = new double[byLayer.size()][n];
        int at = 0;
        for (var e : byLayer.entrySet()) {
            rowLabels.add(e.getKey() < 0 ? OUTSIDE : "L" + e.getKey());
            for (int i = 0; i < n; i++) {
                z[at][i] = e.getValue()[1][i] > 0 ? e.getValue()[0][i] / e.getValue()[1][i] : Double.NaN;
            }
            at++;
        }
        boolean steps = Axis.of(r.series()).bySteps();
        return new Heatmap(quantity, module, rowLabels, steps ? "step" : "checkpoint",
                r.series().stream().map(m -> steps ? String.valueOf(m.step()) : m.label()).toList(), z);
    }

    private static List<SweepRow> sorted(List<SweepRow> rows, boolean byLayer) {
        if (!byLayer) {
            return rows;
        }
        List<SweepRow> out = new ArrayList<>(rows);
        out.sort(java.util.Comparator.comparing((SweepRow x) -> x.layer() == null ? -1 : x.layer()));
        return out;
    }

    private static <T> List<T> distinct(List<SweepRow> rows, Function<SweepRow, T> f) {
        return List.copyOf(new java.util.LinkedHashSet<>(rows.stream().map(f).toList()));
    }
}
