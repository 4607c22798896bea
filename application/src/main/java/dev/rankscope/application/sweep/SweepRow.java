package dev.rankscope.application.sweep;

import dev.rankscope.analysis.MatrixAnalysis;

import java.util.Arrays;

/**
 * One row of the sweep's long table: one matrix of one checkpoint (SPEC §10). Immutable (arrays
 * are copied in and out).
 *
 * @param checkpointIndex position of the checkpoint in the series
 * @param checkpoint      its label ({@link SeriesMember#label()})
 * @param step            parsed step, or null
 * @param matrix          matrix id ({@code model.layers.3.self_attn.q_proj.weight}, {@code …#q})
 * @param layer           layer index, or null outside the blocks
 * @param module          module type label (q, k, v, o, gate, up, down, embed, lm_head, other)
 * @param rows            m
 * @param cols            n
 * @param dtype           stored element type, or null when the matrix failed before it was known
 * @param failure         why the matrix could not be analysed, or null when it was
 * @param metrics         every metric of {@link SweepColumns#all()} (all NaN when failed)
 * @param updateBase      label of the checkpoint ΔW is taken against, or null (no update asked, or first checkpoint)
 * @param update          the update metrics, or null (none asked, first checkpoint, unmatched or failed)
 * @param updateFailure   why the update could not be computed, or null
 * @param intruders       intruder count vs the first checkpoint (SPEC §3, k and ε of the run), or null
 */
public record SweepRow(int checkpointIndex, String checkpoint, Long step, String matrix, Integer layer, String module,
                       int rows, int cols, String dtype, String failure, double[] metrics,
                       String updateBase, UpdateMetrics update, String updateFailure, Integer intruders) {
    public SweepRow {
        metrics = metrics.clone();
        if (metrics.length != SweepColumns.all().size()) {
            throw new IllegalArgumentException("a sweep row carries " + SweepColumns.all().size() + " metrics, got " + metrics.length);
        }
    }

    /** The row of an analysed matrix (no update, no intruders yet). */
    public static SweepRow of(SeriesMember member, MatrixAnalysis a) {
        return new SweepRow(member.index(), member.label(), member.step(), a.name().id(),
                a.name().hasLayer() ? a.name().layer() : null, a.name().module().label(), a.rows(), a.cols(),
                a.dtype().name(), null, SweepColumns.values(a), null, null, null, null);
    }

    /** The row of a matrix that could not be analysed. */
    public static SweepRow failed(SeriesMember member, String matrix, Integer layer, String module, int rows, int cols,
                                  String reason) {
        double[] none = new double[SweepColumns.all().size()];
        Arrays.fill(none, Double.NaN);
        return new SweepRow(member.index(), member.label(), member.step(), matrix, layer, module, rows, cols, null,
                reason, none, null, null, null, null);
    }

    @Override
    public double[] metrics() {
        return metrics.clone();
    }

    /** The value of one metric column. */
    public double metric(SweepColumns.Metric metric) {
        return metrics[SweepColumns.indexOf(metric)];
    }

    /** True when the matrix was analysed. */
    public boolean ok() {
        return failure == null;
    }

    /** This row with its update against {@code base} (or the reason it has none). */
    public SweepRow withUpdate(String base, UpdateMetrics metrics, String reason) {
        return new SweepRow(checkpointIndex, checkpoint, step, matrix, layer, module, rows, cols, dtype, failure,
                this.metrics, base, metrics, reason, intruders);
    }

    /** This row with its intruder count vs the first checkpoint. */
    public SweepRow withIntruders(Integer count) {
        return new SweepRow(checkpointIndex, checkpoint, step, matrix, layer, module, rows, cols, dtype, failure,
                metrics, updateBase, update, updateFailure, count);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SweepRow r && checkpointIndex == r.checkpointIndex && matrix.equals(r.matrix)
                && rows == r.rows && cols == r.cols && java.util.Objects.equals(checkpoint, r.checkpoint)
                && java.util.Objects.equals(step, r.step) && java.util.Objects.equals(layer, r.layer)
                && java.util.Objects.equals(module, r.module) && java.util.Objects.equals(dtype, r.dtype)
                && java.util.Objects.equals(failure, r.failure) && Arrays.equals(metrics, r.metrics)
                && java.util.Objects.equals(updateBase, r.updateBase) && java.util.Objects.equals(update, r.update)
                && java.util.Objects.equals(updateFailure, r.updateFailure)
                && java.util.Objects.equals(intruders, r.intruders);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(checkpointIndex, matrix, Arrays.hashCode(metrics));
    }

    @Override
    public String toString() {
        return "SweepRow[" + checkpoint + " " + matrix + (ok() ? "" : " failed: " + failure) + "]";
    }
}
