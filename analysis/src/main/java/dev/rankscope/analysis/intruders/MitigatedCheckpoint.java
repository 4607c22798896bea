package dev.rankscope.analysis.intruders;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsHeader;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports the intruder mitigation of SPEC §3 as a merged safetensors checkpoint: every tensor of
 * the tuned checkpoint (for an adapter, the merged {@code MergedTensorSource}), with each paired
 * 2-D weight replaced by {@code W_mit = W_t + (λ−1)·U_I Σ_I V_Iᵀ} ({@link IntruderMitigation}),
 * where I are its intruders at (k, ε) against the base.
 *
 * <p>Mitigated matrices are written as F32; every other tensor keeps its dtype (quantised ones
 * are widened to F32) and its values. 3-D expert slices and reshaped conv kernels are copied
 * unchanged. {@code __metadata__} records {@code rankscope.mitigation} (k, ε, λ, base, tuned).
 * Streams one tensor at a time (one matrix pair's SVDs in memory, as in {@link IntruderTask});
 * written atomically through the given {@link AtomicFileWriter}, so a failed or cancelled export
 * leaves nothing behind. Every tensor is read between two changed-file checks
 * ({@link TensorSource#verifyUnchanged}): a base or tuned file rewritten or replaced during the
 * export fails it with one line naming the file, and no output is written. Call from one thread.
 */
public final class MitigatedCheckpoint {

    /**
     * What was written.
     *
     * @param file        the checkpoint
     * @param scaledRanks per mitigated matrix (in file order), the 1-based ranks of the directions scaled by λ;
     *                    matrices without intruders are absent
     */
    public record Result(Path file, Map<String, List<Integer>> scaledRanks) {
        public Result {
            Map<String, List<Integer>> copy = new LinkedHashMap<>();
            scaledRanks.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            scaledRanks = Collections.unmodifiableMap(copy);
        }
    }

    /** {@code __metadata__} key holding the mitigation's parameters as JSON. */
    public static final String METADATA_KEY = "rankscope.mitigation";

    private MitigatedCheckpoint() {
    }

    /**
     * Writes the mitigated checkpoint to {@code target}.
     *
     * @param lambda   scale of the intruder directions (PEFT's default {@link IntruderMitigation#DEFAULT_LAMBDA})
     * @param files    refuses to overwrite protected inputs (pass the base and tuned paths)
     * @param progress called before each tensor; may throw a task's cancellation exception
     */
    public static Result write(TensorSource base, TensorSource tuned, IntruderParameters params, double lambda,
                               SvdBackend backend, Path target, AtomicFileWriter files,
                               SafetensorsWriter.Progress progress) {
        if (!(lambda >= 0) || Double.isInfinite(lambda)) {
            throw new IllegalArgumentException("lambda must be finite and ≥ 0, got " + lambda);
        }
        Map<String, Pairing.MatrixPair> wholeMatrices = new LinkedHashMap<>();
        for (Pairing.MatrixPair pair : Pairing.of(base, tuned).pairs()) {
            if (pair.base().slice() < 0 && !pair.base().transposed()
                    && tuned.require(pair.tuned().tensor()).rank() == 2) {
                wholeMatrices.put(pair.tuned().tensor(), pair);
            }
        }
        Map<String, List<Integer>> scaled = new LinkedHashMap<>();
        SafetensorsWriter writer = new SafetensorsWriter();
        ObjectNode provenance = JsonNodeFactory.instance.objectNode()
                .put("k", params.k()).put("epsilon", params.epsilon()).put("lambda", lambda)
                .put("base", String.valueOf(base.path())).put("tuned", String.valueOf(tuned.path()));
        writer.metadata(METADATA_KEY, provenance.toString());
        for (TensorInfo t : tuned.tensors()) {
            Pairing.MatrixPair pair = wholeMatrices.get(t.name());
            if (pair == null) {
                DType dtype = SafetensorsHeader.SAFETENSORS_DTYPES.contains(t.dtype()) ? t.dtype() : DType.F32;
                writer.add(t.name(), dtype, t.shape(), sink -> sink.put(tuned.readDoubleUnchanged(t.name())));
                continue;
            }
            writer.add(t.name(), DType.F32, t.shape(), sink -> {
                IntruderTask.verifyUnchanged(base, tuned, pair);
                Matrix w0 = MatrixReader.read(base, pair.base());
                Matrix wt = MatrixReader.read(tuned, pair.tuned());
                IntruderTask.verifyUnchanged(base, tuned, pair);
                if (Arrays.equals(w0.data(), wt.data())) {
                    sink.put(wt.data());
                    return;
                }
                IntruderMitigation.Mitigated mit = IntruderMitigation.mitigate(w0, wt, backend, params, lambda);
                if (mit.ranks().length > 0) {
                    scaled.put(t.name(), Arrays.stream(mit.ranks()).boxed().toList());
                }
                sink.put(mit.matrix().data());
            });
        }
        writer.write(target, files, progress);
        return new Result(target, scaled);
    }
}
