import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.DType;
import java.nio.file.Path;

/** Writes N BF16 checkpoints step1000 … stepN000 of a reduced Llama shape (layers, hidden, intermediate, vocab; 8 heads, 1 KV head) for the sweep scale figures in docs/PERFORMANCE.md. */
public class SweepBenchSeries {
    public static void main(String[] a) {
        Path root = Path.of(a[0]);
        int layers = Integer.parseInt(a[1]), hidden = Integer.parseInt(a[2]), inter = Integer.parseInt(a[3]), vocab = Integer.parseInt(a[4]);
        int n = Integer.parseInt(a[5]);
        ModelShape shape = new ModelShape("tinyllama-reduced", layers, hidden, inter, 8, 1, vocab, false);
        for (int i = 1; i <= n; i++) {
            SyntheticModel.write(root.resolve("step" + (i * 1000)), new SyntheticModel.Parameters(shape, i, DType.BF16, 1));
        }
        System.out.println(shape.tensors().stream().filter(ModelShape.TensorSpec::isMatrix).count() + " matrices per checkpoint");
    }
}
