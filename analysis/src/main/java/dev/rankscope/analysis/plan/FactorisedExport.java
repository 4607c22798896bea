package dev.rankscope.analysis.plan;

import dev.rankscope.analysis.allocation.DataAwareSpectra;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.io.SafetensorsHeader;
import dev.rankscope.engine.io.SafetensorsSource;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Factorised safetensors export (SPEC §5). For each matrix the plan factorises, the tensor
 * {@code <module>.weight} (m×n) is replaced by {@code <module>.U.weight} (m×k) = U_k·√Σ_k and
 * {@code <module>.V.weight} (k×n) = √Σ_k·V_kᵀ (WeLore's names), so U·V is the best rank-k
 * approximation; every other tensor is copied unchanged (byte for byte from safetensors, else by
 * exact decode/re-encode in its own dtype). {@code __metadata__} holds {@code "format": "pt"} and
 * the plan JSON under {@value #PLAN_METADATA_KEY}.
 *
 * <p><b>Orientation.</b> Factors are always written for the tensor as stored: m×n is the stored
 * shape. A plan lists matrices in (out, in) orientation (SPEC §7), which for weights stored
 * (in, out) — GPT-2 Conv1D {@code c_attn}/{@code c_proj}/{@code c_fc} — is the transpose of the
 * stored shape; such a plan is accepted and the stored (in, out) matrix is factorised, so
 * {@code U} is in×k, {@code V} is k×out and U·V reproduces the stored tensor, as a Conv1D layer
 * multiplies it. Rank, kept parameters and relative error do not depend on the orientation
 * (σ(Wᵀ) = σ(W)). Data-aware factors (an input transform) need the (out, in) orientation and are
 * refused for transposed storage.
 *
 * <p>Streaming: tensors are written in checkpoint order; one SVD is held at a time (computed for
 * the U tensor, reused for V, then dropped). The file goes through {@link AtomicFileWriter}, which
 * also refuses to overwrite the source checkpoint. Every tensor is read between two changed-file
 * checks ({@link TensorSource#verifyUnchanged}): a source file rewritten or replaced during the
 * export fails it with one line naming the file ({@code CheckpointFormatException} CHANGED) and
 * no output is written. Afterwards the output is re-read and, per
 * factorised matrix, ‖W − U·V‖_F/‖W‖_F is compared with the plan's rel_error.
 *
 * <p>Runs on the calling thread; cancellation goes through {@link SafetensorsWriter.Progress},
 * which may throw between tensors.
 */
public final class FactorisedExport {
    /** Metadata key holding the plan JSON. */
    public static final String PLAN_METADATA_KEY = "rankscope_plan";
    private static final int CHUNK_ELEMENTS = 1 << 18;
    private static final int CHUNK_BYTES = 1 << 20;

    private FactorisedExport() {
    }

    /** Output name of a factor: {@code <module>.U.weight} / {@code <module>.V.weight}. */
    public static String factorName(String tensorName, char which) {
        String base = tensorName.endsWith(".weight") ? tensorName.substring(0, tensorName.length() - 7) : tensorName;
        return base + "." + which + ".weight";
    }

    /** {@link #export(Plan, TensorSource, Path, Function, FactorisedExportParameters, AtomicFileWriter, SafetensorsWriter.Progress)} with {@code backend::svd}. */
    public static FactorisedExportResult export(Plan plan, TensorSource source, Path target, SvdBackend backend,
                                                FactorisedExportParameters params, AtomicFileWriter files,
                                                SafetensorsWriter.Progress progress) {
        return export(plan, source, target, backend::svd, params, files, progress);
    }

    /**
     * Writes the factorised checkpoint and verifies it.
     *
     * @param plan    a plan made for {@code source} (every planned matrix must be a whole 2-D tensor of it)
     * @param source  the original checkpoint (never modified, never overwritten)
     * @param target  output file
     * @param svd     thin SVD with vectors (U m×p, Vᵀ p×n, σ descending), e.g. {@code SvdBackend::svd}
     * @param files   atomic writer; the source's files are added to its protected inputs
     * @throws PlanFileException NOT_EXPORTABLE when the plan does not fit the checkpoint
     */
    public static FactorisedExportResult export(Plan plan, TensorSource source, Path target,
                                                Function<Matrix, SvdResult> svd, FactorisedExportParameters params,
                                                AtomicFileWriter files, SafetensorsWriter.Progress progress) {
        return export(plan, source, target, svd, params, files, progress, NO_TRANSFORMS);
    }

    /** No data-aware transforms: factors come from the SVD of W itself. */
    public static final Function<String, Matrix> NO_TRANSFORMS = name -> null;

    /**
     * Data-aware variant (SPEC §4, {@link dev.rankscope.analysis.allocation.DataAwareSpectra}): for
     * a tensor whose {@code inputTransforms} entry S is non-null, the factors come from the SVD of
     * W·S: U = U_k·√Σ_k and V = √Σ_k·V_kᵀ·S⁻¹ (S lower triangular), and verification measures
     * ‖(W − U·V)·S‖_F/‖W·S‖_F, the data-space error such a plan's rel_error describes.
     *
     * @param inputTransforms tensor name → S (n×n, lower triangular or diagonal), or null for none
     */
    public static FactorisedExportResult export(Plan plan, TensorSource source, Path target,
                                                Function<Matrix, SvdResult> svd, FactorisedExportParameters params,
                                                AtomicFileWriter files, SafetensorsWriter.Progress progress,
                                                Function<String, Matrix> inputTransforms) {
        Map<String, PlannedMatrix> factorised = checkPlanFits(plan, source);
        SafetensorsWriter writer = new SafetensorsWriter();
        writer.metadata("format", "pt");
        writer.metadata(PLAN_METADATA_KEY, PlanJson.toJson(plan));
        Map<String, SafetensorsHeader.Entry> raw = rawEntries(source);
        Map<String, Path> rawFile = rawFiles(source);
        SvdResult[] current = new SvdResult[1];
        for (TensorInfo t : source.tensors()) {
            PlannedMatrix pm = factorised.get(t.name());
            if (pm == null) {
                writer.add(t.name(), t.dtype(), t.shape(), sink -> {
                    source.verifyUnchanged(t.name());
                    copy(source, t, raw.get(t.name()), rawFile.get(t.name()), sink);
                    source.verifyUnchanged(t.name());
                });
                continue;
            }
            int m = (int) t.dim(0);   // stored orientation (see class doc)
            int n = (int) t.dim(1);
            int k = pm.rank();
            Matrix transform = inputTransforms.apply(t.name());
            if (transform != null && (m != pm.rows() || n != pm.cols())) {
                throw new PlanFileException(source.path(), PlanFileException.Kind.NOT_EXPORTABLE, "tensor '" + t.name()
                        + "' is stored transposed (" + t.shapeString() + "); data-aware factors need it stored (out, in)");
            }
            writer.add(factorName(t.name(), 'U'), params.factorDType(), new long[] {m, k}, sink -> {
                source.verifyUnchanged(t.name());
                SvdResult r = decompose(source, pm, m, n, svd, transform);
                source.verifyUnchanged(t.name());
                current[0] = r;
                double[] row = new double[k];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < k; j++) {
                        row[j] = r.u().get(i, j) * Math.sqrt(r.sigma(j));
                    }
                    sink.put(row, 0, k);
                }
            });
            writer.add(factorName(t.name(), 'V'), params.factorDType(), new long[] {k, n}, sink -> {
                SvdResult r = current[0];
                current[0] = null;
                double[] row = new double[n];
                double[] solved = transform == null ? row : new double[n];
                for (int j = 0; j < k; j++) {
                    double s = Math.sqrt(r.sigma(j));
                    for (int c = 0; c < n; c++) {
                        row[c] = s * r.vt().get(j, c);
                    }
                    if (transform != null) {
                        DataAwareSpectra.solveTimesInverse(row, 0, transform, solved, 0);
                    }
                    sink.put(solved, 0, n);
                }
            });
        }
        List<Path> inputs = new ArrayList<>(files.protectedInputs());
        inputs.addAll(ProtectedInputs.of(source));
        AtomicFileWriter guarded = ExportFiles.protecting(ProtectedInputs.writer(inputs), plan);
        writer.write(target, guarded, progress);
        try (TensorSource out = Checkpoints.open(target)) {
            return verify(plan, source, out, params.tolerance(), target, inputTransforms);
        }
    }

    /** Factorised planned matrices by tensor name, after checking they exist with the planned shape. */
    private static Map<String, PlannedMatrix> checkPlanFits(Plan plan, TensorSource source) {
        Map<String, PlannedMatrix> factorised = new HashMap<>();
        for (PlannedMatrix pm : plan.factorised()) {
            TensorInfo t = source.find(pm.id()).orElseThrow(() -> new PlanFileException(source.path(),
                    PlanFileException.Kind.NOT_EXPORTABLE, "has no tensor '" + pm.id()
                    + "' that the plan factorises (was the plan made for another checkpoint?)"));
            boolean stored = t.rank() == 2 && t.dim(0) == pm.rows() && t.dim(1) == pm.cols();
            boolean transposed = t.rank() == 2 && t.dim(0) == pm.cols() && t.dim(1) == pm.rows();
            if (!stored && !transposed) {
                throw new PlanFileException(source.path(), PlanFileException.Kind.NOT_EXPORTABLE, "tensor '" + pm.id()
                        + "' has shape " + t.shapeString() + " but the plan expects " + pm.rows() + "×" + pm.cols() + " (or its transpose)");
            }
            factorised.put(pm.id(), pm);
        }
        for (TensorInfo t : source.tensors()) {
            if (!factorised.containsKey(t.name()) && !SafetensorsHeader.SAFETENSORS_DTYPES.contains(t.dtype())) {
                throw new PlanFileException(source.path(), PlanFileException.Kind.NOT_EXPORTABLE, "tensor '" + t.name()
                        + "' is stored as " + t.dtype() + ", which safetensors cannot hold unchanged");
            }
            if (!factorised.containsKey(t.name()) && (factorised.containsKey(factorName(t.name(), 'U'))
                    || output(factorised, t.name()))) {
                throw new PlanFileException(source.path(), PlanFileException.Kind.NOT_EXPORTABLE, "tensor '" + t.name()
                        + "' would collide with a factor name");
            }
        }
        return factorised;
    }

    private static boolean output(Map<String, PlannedMatrix> factorised, String name) {
        for (String id : factorised.keySet()) {
            if (name.equals(factorName(id, 'U')) || name.equals(factorName(id, 'V'))) {
                return true;
            }
        }
        return false;
    }

    /** SVD of the stored m×n matrix (times the transform, which only (out, in) storage gets). */
    private static SvdResult decompose(TensorSource source, PlannedMatrix pm, int m, int n,
                                       Function<Matrix, SvdResult> svd, Matrix transform) {
        Matrix w = new Matrix(m, n, source.readDouble(pm.id()));
        if (transform != null) {
            if (transform.rows() != pm.cols() || transform.cols() != pm.cols()) {
                throw new PlanFileException(source.path(), PlanFileException.Kind.NOT_EXPORTABLE, "the input transform for '"
                        + pm.id() + "' is " + transform.rows() + "×" + transform.cols() + ", expected " + pm.cols() + "×" + pm.cols());
            }
            w = DataAwareSpectra.multiply(w, transform);
        }
        SvdResult r = svd.apply(w);
        int p = Math.min(m, n);
        if (r.u() == null || r.vt() == null || r.size() < pm.rank() || r.u().rows() != m
                || r.vt().cols() != n || r.u().cols() < pm.rank() || r.vt().rows() < pm.rank()) {
            throw new LinalgException("The SVD of " + pm.id() + " did not return singular vectors of the expected size.",
                    "expected U " + m + "x" + p + ", Vt " + p + "x" + n + ", got "
                            + (r.u() == null ? "none" : r.u().rows() + "x" + r.u().cols()) + " / "
                            + (r.vt() == null ? "none" : r.vt().rows() + "x" + r.vt().cols()));
        }
        return r;
    }

    private static Map<String, SafetensorsHeader.Entry> rawEntries(TensorSource source) {
        Map<String, SafetensorsHeader.Entry> map = new HashMap<>();
        if (source instanceof SafetensorsSource s) {
            for (SafetensorsHeader h : s.headers()) {
                for (SafetensorsHeader.Entry e : h.entries()) {
                    map.put(e.name(), e);
                }
            }
        }
        return map;
    }

    private static Map<String, Path> rawFiles(TensorSource source) {
        Map<String, Path> map = new HashMap<>();
        if (source instanceof SafetensorsSource s) {
            for (SafetensorsHeader h : s.headers()) {
                for (SafetensorsHeader.Entry e : h.entries()) {
                    map.put(e.name(), h.file());
                }
            }
        }
        return map;
    }

    /** Byte-exact copy from safetensors; otherwise exact decode and re-encode in the tensor's dtype. */
    private static void copy(TensorSource source, TensorInfo t, SafetensorsHeader.Entry entry, Path file,
                             SafetensorsWriter.ElementSink sink) throws IOException {
        if (entry != null && file != null) {
            long start = dataStart(source, file) + entry.begin();
            long left = entry.byteSize();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer buf = ByteBuffer.allocate(CHUNK_BYTES);
                long pos = start;
                while (left > 0) {
                    buf.clear();
                    buf.limit((int) Math.min(CHUNK_BYTES, left));
                    while (buf.hasRemaining()) {
                        int r = ch.read(buf, pos + buf.position());
                        if (r < 0) {
                            throw new IOException(file + " ended inside tensor " + t.name());
                        }
                    }
                    buf.flip();
                    pos += buf.remaining();
                    left -= buf.remaining();
                    sink.putEncoded(buf);
                }
            }
            return;
        }
        long numel = t.numel();
        double[] chunk = new double[(int) Math.min(CHUNK_ELEMENTS, Math.max(1, numel))];
        for (long first = 0; first < numel; first += chunk.length) {
            int count = (int) Math.min(chunk.length, numel - first);
            source.readElements(t.name(), first, count, chunk, 0);
            sink.put(chunk, 0, count);
        }
    }

    private static long dataStart(TensorSource source, Path file) {
        for (SafetensorsHeader h : ((SafetensorsSource) source).headers()) {
            if (h.file().equals(file)) {
                return h.dataStart();
            }
        }
        throw new IllegalStateException("no header for " + file);
    }

    /**
     * Re-reads a factorised checkpoint and checks it against the plan and the original: per
     * factorised matrix ‖W − U·V‖_F/‖W‖_F versus rel_error (within {@code tolerance}); every
     * other tensor of the original must decode to identical values.
     */
    public static FactorisedExportResult verify(Plan plan, TensorSource original, TensorSource factorised,
                                                double tolerance, Path output) {
        return verify(plan, original, factorised, tolerance, output, NO_TRANSFORMS);
    }

    /** {@link #verify(Plan, TensorSource, TensorSource, double, Path)} measuring ‖(W − U·V)·S‖/‖W·S‖ where S is given. */
    public static FactorisedExportResult verify(Plan plan, TensorSource original, TensorSource factorised,
                                                double tolerance, Path output, Function<String, Matrix> inputTransforms) {
        Map<String, PlannedMatrix> fact = new HashMap<>();
        for (PlannedMatrix pm : plan.factorised()) {
            fact.put(pm.id(), pm);
        }
        List<FactorisedExportResult.FactorCheck> checks = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        for (TensorInfo t : original.tensors()) {
            PlannedMatrix pm = fact.get(t.name());
            if (pm == null) {
                if (factorised.find(t.name()).isEmpty()
                        || !Arrays.equals(original.readDoubleUnchanged(t.name()), factorised.readDouble(t.name()))) {
                    mismatches.add(t.name());
                }
                continue;
            }
            double measured = relativeError(original.readDoubleUnchanged(t.name()),
                    factorised.readDouble(factorName(t.name(), 'U')), factorised.readDouble(factorName(t.name(), 'V')),
                    (int) t.dim(0), pm.rank(), (int) t.dim(1), inputTransforms.apply(t.name()));
            checks.add(new FactorisedExportResult.FactorCheck(t.name(), pm.rank(), pm.relativeError(), measured,
                    Math.abs(measured - pm.relativeError()) <= tolerance));
        }
        return new FactorisedExportResult(output, factorised.tensors().size(), checks, mismatches);
    }

    /**
     * ‖(W − U·V)·S‖_F/‖W·S‖_F for row-major W (m×n), U (m×k), V (k×n) and S (n×n, or null for the
     * identity); 0 when both norms are 0.
     */
    static double relativeError(double[] w, double[] u, double[] v, int m, int k, int n, Matrix s) {
        if (s == null) {
            return relativeError(w, u, v, m, k, n);
        }
        double[] r = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int t = 0; t < k; t++) {
                double a = u[i * k + t];
                for (int j = 0; j < n; j++) {
                    r[i * n + j] += a * v[t * n + j];
                }
            }
        }
        for (int i = 0; i < r.length; i++) {
            r[i] = w[i] - r[i];
        }
        double diff = frobeniusSquared(DataAwareSpectra.multiply(new Matrix(m, n, r), s));
        double norm = frobeniusSquared(DataAwareSpectra.multiply(new Matrix(m, n, w.clone()), s));
        if (norm == 0) {
            return diff == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(diff / norm);
    }

    private static double frobeniusSquared(Matrix a) {
        double s = 0;
        for (double x : a.data()) {
            s += x * x;
        }
        return s;
    }

    /** ‖W − U·V‖_F/‖W‖_F for row-major W (m×n), U (m×k), V (k×n); 0 when W = 0 and U·V = 0. */
    static double relativeError(double[] w, double[] u, double[] v, int m, int k, int n) {
        double[] row = new double[n];
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < m; i++) {
            Arrays.fill(row, 0);
            for (int t = 0; t < k; t++) {
                double a = u[i * k + t];
                if (a == 0) {
                    continue;
                }
                int off = t * n;
                for (int j = 0; j < n; j++) {
                    row[j] += a * v[off + j];
                }
            }
            int off = i * n;
            for (int j = 0; j < n; j++) {
                double d = w[off + j] - row[j];
                diff += d * d;
                norm += w[off + j] * w[off + j];
            }
        }
        if (norm == 0) {
            return diff == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(diff / norm);
    }
}
