package dev.rankscope.spark;

import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Scale figure (bench, not a test): how evenly the flop-weighted LPT packing spreads a model's
 * matrices over partitions, against Spark's default of slicing the unit list into equal counts in
 * listing order ({@code parallelize(units, P)}), simulated with the per-matrix cost estimates of
 * {@link FlopPartitioning#cost} (no SVD runs). Prints max/mean of the partitions' total cost —
 * the makespan over the ideal when every partition runs on its own core.
 *
 * <p>{@code java -cp rankscope-spark-…-job.jar dev.rankscope.spark.PartitionBalance [preset] [checkpoints]}
 * (preset {@code llama-7b} by default, 1 checkpoint).
 */
public final class PartitionBalance {

    private PartitionBalance() {
    }

    /** The units of {@code checkpoints} copies of {@code shape}'s matrices, in listing order. */
    static List<WorkUnit> units(ModelShape shape, int checkpoints) {
        List<TensorInfo> tensors = new ArrayList<>();
        for (ModelShape.TensorSpec t : shape.tensors()) {
            tensors.add(new TensorInfo(t.name(), DType.BF16, t.shape(), DType.BF16.byteSize(t.numel())));
        }
        List<MatrixRef> refs = MatrixExtractor.matrices(tensors);
        List<WorkUnit> units = new ArrayList<>();
        for (int c = 0; c < checkpoints; c++) {
            for (MatrixRef r : refs) {
                units.add(WorkUnit.spectrum(new WorkUnit.Checkpoint(c, "ckpt" + c, "ckpt" + c, ""), r.id(), r.rows(), r.cols()));
            }
        }
        return units;
    }

    /** Spark's default: P contiguous slices of equal count (ParallelCollectionRDD.slice). */
    static List<List<WorkUnit>> countSlices(List<WorkUnit> units, int partitions) {
        List<List<WorkUnit>> out = new ArrayList<>();
        int n = units.size();
        for (int i = 0; i < partitions; i++) {
            int from = (int) ((long) i * n / partitions);
            int to = (int) ((long) (i + 1) * n / partitions);
            out.add(new ArrayList<>(units.subList(from, to)));
        }
        return out;
    }

    public static void main(String[] args) {
        ModelShape shape = ModelShape.preset(args.length > 0 ? args[0] : "llama-7b");
        int checkpoints = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        List<WorkUnit> units = units(shape, checkpoints);
        PrintStream out = System.out;
        out.printf(Locale.ROOT, "%s, %d checkpoint(s): %d matrices, estimated %.3g flops%n", shape.name(), checkpoints,
                units.size(), units.stream().mapToDouble(WorkUnit::cost).sum());
        out.println("partitions  LPT max/mean  equal-count max/mean");
        for (int p : new int[] {2, 4, 8, 16, 32, 64, 128}) {
            out.printf(Locale.ROOT, "%10d  %12.3f  %20.3f%n", p,
                    FlopPartitioning.imbalance(FlopPartitioning.balance(units, p)),
                    FlopPartitioning.imbalance(countSlices(units, p)));
        }
    }
}
