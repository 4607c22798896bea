package dev.rankscope.analysis.plan;

import dev.rankscope.analysis.allocation.DataAwareSpectra;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.io.SafetensorsHeader;
import dev.rankscope.engine.io.SafetensorsSource;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.LinalgException;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * (σ(Wᵀ) = σ(W)). Data-aware factors (an input transform S acts on the (out, in) matrix) are made
 * from the (out, in) matrix, A·B = (W·S)_k·S⁻¹, and written transposed for (in, out) storage:
 * U = Bᵀ, V = Aᵀ.
 *
 * <p><b>Parts of fused matrices</b> (SPEC §5, {@link FusedPartFactors}): a fused tensor with a
 * factorised part is written as its parts in (out, in) orientation — factors for the planned parts
 * (weight-only or data-aware, the fused module's input transform), the others dense — with the
 * reassembly map in {@code __metadata__}; verification measures each factorised part.
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
     * The input transforms S of a data-aware {@code plan} (SPEC §4), rebuilt from the statistics
     * file it was made with exactly as the plan records them (method, damping, factorisation per
     * matrix), so a factorised export writes {@code (W·S)_k·S⁻¹}; {@link #NO_TRANSFORMS} for a
     * weights-only plan. Every front end that exports a plan goes through this.
     *
     * @param statistics the open statistics file; may be null only for a weights-only plan
     * @throws dev.rankscope.analysis.allocation.AllocationException for a data-aware plan without statistics
     */
    public static Function<String, Matrix> transformsFor(Plan plan, TensorSource statistics) {
        if (plan.dataAware() == null) {
            return NO_TRANSFORMS;
        }
        if (statistics == null) {
            throw new dev.rankscope.analysis.allocation.AllocationException("the plan is data-aware ("
                    + plan.dataAware().method() + "): exporting its factors needs the statistics file it was made with");
        }
        return dev.rankscope.analysis.allocation.DataAwareTransforms.rebuild(plan.dataAware(), statistics,
                id -> plan.matrix(id).orElseThrow().moduleName(), id -> plan.matrix(id).orElseThrow().cols());
    }

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
        Map<String, FusedPartFactors.Group> parted = FusedPartFactors.groups(plan, source);
        Map<String, PlannedMatrix> factorised = checkPlanFits(plan, source, parted);
        Set<String> storedInOut = storedInOut(source);
        SafetensorsWriter writer = new SafetensorsWriter();
        writer.metadata("format", "pt");
        writer.metadata(PLAN_METADATA_KEY, PlanJson.toJson(plan));
        if (!parted.isEmpty()) {
            writer.metadata(FusedPartFactors.METADATA_KEY, FusedPartFactors.metadata(parted));
        }
        Map<String, SafetensorsHeader.Entry> raw = rawEntries(source);
        Map<String, Path> rawFile = rawFiles(source);
        for (TensorInfo t : source.tensors()) {
            PlannedMatrix pm = factorised.get(t.name());
            FusedPartFactors.Group group = parted.get(t.name());
            if (group != null) {
                addParts(writer, source, group, svd, params, inputTransforms);
                continue;
            }
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
            Matrix transform = inputTransforms.apply(t.name());
            boolean transposed = storedInOut.contains(t.name()) || m != pm.rows() || n != pm.cols();
            // data-aware factors come from the (out, in) matrix; a transposed tensor gets them transposed back
            Supplier<Matrix> weight = transform != null && transposed
                    ? () -> new Matrix(m, n, source.readDouble(pm.id())).transpose()
                    : () -> new Matrix(m, n, source.readDouble(pm.id()));
            boolean outIn = transform != null && transposed;
            addFactors(writer, factorName(t.name(), 'U'), factorName(t.name(), 'V'), t.name(), source, weight,
                    outIn ? n : m, outIn ? m : n, pm, transform, outIn, svd, params);
        }
        List<Path> inputs = new ArrayList<>(files.protectedInputs());
        inputs.addAll(ProtectedInputs.of(source));
        AtomicFileWriter guarded = ExportFiles.protecting(ProtectedInputs.writer(inputs), plan);
        writer.write(target, guarded, progress);
        try (TensorSource out = Checkpoints.open(target)) {
            return verify(plan, source, out, params.tolerance(), target, inputTransforms);
        }
    }

    /**
     * Factorised whole matrices by tensor name, after checking they exist with the planned shape
     * (parts were checked by {@link FusedPartFactors#groups}), that every copied tensor's dtype
     * fits safetensors, and that no output name collides with a tensor that is copied.
     */
    private static Map<String, PlannedMatrix> checkPlanFits(Plan plan, TensorSource source,
                                                            Map<String, FusedPartFactors.Group> parted) {
        Map<String, PlannedMatrix> factorised = new HashMap<>();
        Set<String> outputs = new HashSet<>();
        for (PlannedMatrix pm : plan.factorised()) {
            if (FusedPartFactors.isPart(pm)) {
                continue;
            }
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
            outputs.add(factorName(pm.id(), 'U'));
            outputs.add(factorName(pm.id(), 'V'));
        }
        for (FusedPartFactors.Group g : parted.values()) {
            for (MatrixRef part : g.parts()) {
                String p = FusedPartFactors.suffix(part.id());
                for (char which : new char[] {0, 'U', 'V'}) {
                    outputs.add(FusedPartFactors.partName(g.tensor().name(), p, which));
                }
            }
        }
        for (TensorInfo t : source.tensors()) {
            boolean copied = !factorised.containsKey(t.name()) && !parted.containsKey(t.name());
            if (!factorised.containsKey(t.name()) && !SafetensorsHeader.SAFETENSORS_DTYPES.contains(t.dtype())) {
                throw new PlanFileException(source.path(), PlanFileException.Kind.NOT_EXPORTABLE, "tensor '" + t.name()
                        + "' is stored as " + t.dtype() + ", which safetensors cannot hold unchanged");
            }
            if (copied && outputs.contains(t.name())) {
                throw new PlanFileException(source.path(), PlanFileException.Kind.NOT_EXPORTABLE, "tensor '" + t.name()
                        + "' would collide with a factor name");
            }
        }
        return factorised;
    }

    /**
     * Adds the U and V tensors of one factorised matrix: {@code weight} (read when the U tensor is
     * written, between two changed-file checks of {@code tensor}) is decomposed once, A = U_k·√Σ_k
     * and B = √Σ_k·V_kᵀ (·S⁻¹ with a transform), and the tensors are A and B — or Bᵀ and Aᵀ when
     * {@code transposeOut} (a matrix stored (in, out) whose factors were made in (out, in)).
     */
    private static void addFactors(SafetensorsWriter writer, String uName, String vName, String tensor, TensorSource source,
                                   Supplier<Matrix> weight, int rows, int cols, PlannedMatrix pm, Matrix transform,
                                   boolean transposeOut, Function<Matrix, SvdResult> svd, FactorisedExportParameters params) {
        int k = pm.rank();
        Matrix[] current = new Matrix[2];
        long[] uShape = transposeOut ? new long[] {cols, k} : new long[] {rows, k};
        long[] vShape = transposeOut ? new long[] {k, rows} : new long[] {k, cols};
        writer.add(uName, params.factorDType(), uShape, sink -> {
            source.verifyUnchanged(tensor);
            Matrix w = weight.get();
            source.verifyUnchanged(tensor);
            Matrix[] ab = factors(w, pm, svd, transform);
            current[0] = transposeOut ? ab[1].transpose() : ab[0];
            current[1] = transposeOut ? ab[0].transpose() : ab[1];
            sink.put(current[0].data(), 0, current[0].data().length);
            current[0] = null;
        });
        writer.add(vName, params.factorDType(), vShape, sink -> {
            Matrix v = current[1];
            current[1] = null;
            sink.put(v.data(), 0, v.data().length);
        });
    }

    /**
     * A = U_k·√Σ_k (rows×k) and B = √Σ_k·V_kᵀ (k×cols) of the SVD of {@code w} (times S when
     * {@code transform} is given, then B·S⁻¹), so A·B is the plan's rank-k matrix.
     */
    private static Matrix[] factors(Matrix w, PlannedMatrix pm, Function<Matrix, SvdResult> svd, Matrix transform) {
        int m = w.rows();
        int n = w.cols();
        int k = pm.rank();
        if (transform != null) {
            if (transform.rows() != n || transform.cols() != n) {
                throw new PlanFileException(null, PlanFileException.Kind.NOT_EXPORTABLE, "the input transform for '"
                        + pm.id() + "' is " + transform.rows() + "×" + transform.cols() + ", expected " + n + "×" + n);
            }
            w = DataAwareSpectra.multiply(w, transform);
        }
        SvdResult r = svd.apply(w);
        int p = Math.min(m, n);
        if (r.u() == null || r.vt() == null || r.size() < k || r.u().rows() != m
                || r.vt().cols() != n || r.u().cols() < k || r.vt().rows() < k) {
            throw new LinalgException("The SVD of " + pm.id() + " did not return singular vectors of the expected size.",
                    "expected U " + m + "x" + p + ", Vt " + p + "x" + n + ", got "
                            + (r.u() == null ? "none" : r.u().rows() + "x" + r.u().cols()) + " / "
                            + (r.vt() == null ? "none" : r.vt().rows() + "x" + r.vt().cols()));
        }
        double[] a = new double[m * k];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                a[i * k + j] = r.u().get(i, j) * Math.sqrt(r.sigma(j));
            }
        }
        double[] b = new double[k * n];
        double[] row = new double[n];
        for (int j = 0; j < k; j++) {
            double s = Math.sqrt(r.sigma(j));
            for (int c = 0; c < n; c++) {
                row[c] = s * r.vt().get(j, c);
            }
            if (transform != null) {
                DataAwareSpectra.solveTimesInverse(row, 0, transform, b, j * n);
            } else {
                System.arraycopy(row, 0, b, j * n, n);
            }
        }
        return new Matrix[] {new Matrix(m, k, a), new Matrix(k, n, b)};
    }

    /**
     * The parts of one fused tensor (SPEC §5, {@link FusedPartFactors}): factors of each planned
     * part from its (out, in) rows, the other parts dense in the tensor's dtype.
     */
    private static void addParts(SafetensorsWriter writer, TensorSource source, FusedPartFactors.Group group,
                                 Function<Matrix, SvdResult> svd, FactorisedExportParameters params,
                                 Function<String, Matrix> inputTransforms) {
        String tensor = group.tensor().name();
        for (MatrixRef part : group.parts()) {
            String p = FusedPartFactors.suffix(part.id());
            PlannedMatrix pm = group.planned().get(part.id());
            if (pm == null) {
                writer.add(FusedPartFactors.partName(tensor, p, (char) 0), group.tensor().dtype(),
                        new long[] {part.rows(), part.cols()}, sink -> {
                            source.verifyUnchanged(tensor);
                            Matrix w = MatrixReader.read(source, part);
                            source.verifyUnchanged(tensor);
                            sink.put(w.data(), 0, w.data().length);
                        });
                continue;
            }
            addFactors(writer, FusedPartFactors.partName(tensor, p, 'U'), FusedPartFactors.partName(tensor, p, 'V'),
                    tensor, source, () -> MatrixReader.read(source, part), part.rows(), part.cols(), pm,
                    inputTransforms.apply(pm.id()), false, svd, params);
        }
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
        Map<String, FusedPartFactors.Group> parted = FusedPartFactors.groups(plan, original);
        Set<String> storedInOut = storedInOut(original);
        List<FactorisedExportResult.FactorCheck> checks = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        for (TensorInfo t : original.tensors()) {
            PlannedMatrix pm = fact.get(t.name());
            FusedPartFactors.Group group = parted.get(t.name());
            if (group != null) {
                verifyParts(group, original, factorised, tolerance, inputTransforms, checks, mismatches);
                continue;
            }
            if (pm == null) {
                if (factorised.find(t.name()).isEmpty()
                        || !Arrays.equals(original.readDoubleUnchanged(t.name()), factorised.readDouble(t.name()))) {
                    mismatches.add(t.name());
                }
                continue;
            }
            boolean transposed = storedInOut.contains(t.name()) || t.dim(0) != pm.rows() || t.dim(1) != pm.cols();
            double measured = relativeError(original.readDoubleUnchanged(t.name()),
                    factorised.readDouble(factorName(t.name(), 'U')), factorised.readDouble(factorName(t.name(), 'V')),
                    (int) t.dim(0), pm.rank(), (int) t.dim(1), inputTransforms.apply(t.name()), transposed);
            checks.add(new FactorisedExportResult.FactorCheck(t.name(), pm.rank(), pm.relativeError(), measured,
                    Math.abs(measured - pm.relativeError()) <= tolerance));
        }
        return new FactorisedExportResult(output, factorised.tensors().size(), checks, mismatches);
    }

    /**
     * Tensors stored (in, out) (GPT-2 Conv1D), as the listing reads them: a square one has the
     * same shape either way, and only the listing knows which way it multiplies.
     */
    private static Set<String> storedInOut(TensorSource source) {
        Set<String> out = new HashSet<>();
        for (MatrixRef r : MatrixListing.of(source, false, ConvMode.RESHAPE).matrices()) {
            if (r.transposed() && !r.isPart() && r.slice() < 0) {
                out.add(r.tensor());
            }
        }
        return out;
    }

    /** Checks the parts of one fused tensor: factorised parts against the plan's error, dense parts for equality. */
    private static void verifyParts(FusedPartFactors.Group group, TensorSource original, TensorSource factorised,
                                    double tolerance, Function<String, Matrix> inputTransforms,
                                    List<FactorisedExportResult.FactorCheck> checks, List<String> mismatches) {
        String tensor = group.tensor().name();
        for (MatrixRef part : group.parts()) {
            String p = FusedPartFactors.suffix(part.id());
            original.verifyUnchanged(tensor);
            double[] w = MatrixReader.read(original, part).data();
            original.verifyUnchanged(tensor);
            PlannedMatrix pm = group.planned().get(part.id());
            if (pm == null) {
                String name = FusedPartFactors.partName(tensor, p, (char) 0);
                if (factorised.find(name).isEmpty() || !Arrays.equals(w, factorised.readDouble(name))) {
                    mismatches.add(part.id());
                }
                continue;
            }
            double measured = relativeError(w, factorised.readDouble(FusedPartFactors.partName(tensor, p, 'U')),
                    factorised.readDouble(FusedPartFactors.partName(tensor, p, 'V')), part.rows(), pm.rank(), part.cols(),
                    inputTransforms.apply(part.id()), false);
            checks.add(new FactorisedExportResult.FactorCheck(part.id(), pm.rank(), pm.relativeError(), measured,
                    Math.abs(measured - pm.relativeError()) <= tolerance));
        }
    }

    /**
     * ‖(W − U·V)·S‖_F/‖W·S‖_F for row-major W (m×n), U (m×k), V (k×n) and S (n×n, or null for the
     * identity); 0 when both norms are 0.
     */
    static double relativeError(double[] w, double[] u, double[] v, int m, int k, int n, Matrix s, boolean transposed) {
        if (s == null) {
            return relativeError(w, u, v, m, k, n);
        }
        double[] r = FusedPartFactors.product(u, v, m, k, n);
        for (int i = 0; i < r.length; i++) {
            r[i] = w[i] - r[i];
        }
        Matrix diff = new Matrix(m, n, r);
        Matrix weight = new Matrix(m, n, w.clone());
        if (transposed) {
            // stored (in, out): S acts on the (out, in) matrix
            diff = diff.transpose();
            weight = weight.transpose();
        }
        double d = frobeniusSquared(DataAwareSpectra.multiply(diff, s));
        double norm = frobeniusSquared(DataAwareSpectra.multiply(weight, s));
        if (norm == 0) {
            return d == 0 ? 0 : Double.POSITIVE_INFINITY;
        }
        return Math.sqrt(d / norm);
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
