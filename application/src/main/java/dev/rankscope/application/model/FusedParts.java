package dev.rankscope.application.model;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.plan.FactorisedExportParameters;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.MatrixSelection;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.runtime.LinearModule;
import dev.rankscope.runtime.LinearReplacement;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.ModelRuntime;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compressed weights of a plan that factorises parts of fused matrices ({@code c_attn#q},
 * {@code #k}, {@code #v} of GPT-2, SPEC §7): each planned part — the rows of the fused (out, in)
 * matrix that {@link MatrixListing} selects for it, read as the plan's analysis read them — is
 * replaced by its best rank-k approximation {@code U_kΣ_kV_kᵀ} (the truncation a factorised
 * export writes as U·V), checked against the plan's rel_error as the export verifies its factors,
 * and written back into the fused weight in its stored orientation; parts the plan keeps dense
 * stay as they are. The fused module then runs as one dense replacement (its output is split
 * into q|k|v after the matmul, so factors of one part cannot run on their own).
 *
 * <p>Weights only: data-aware factors of a part would need the whitening of the fused module's
 * input and are refused with one sentence. A plan that factorises a fused matrix and also its
 * parts is refused. Pure apart from reading the checkpoint; one fused matrix in memory at a time.
 */
final class FusedParts {
    private FusedParts() {
    }

    /** Whether {@code pm} is a part of a fused matrix. */
    static boolean isPart(PlannedMatrix pm) {
        return pm.id().contains(NameParser.PART);
    }

    /**
     * Dense replacements, by runtime module name, for every fused matrix with a factorised part.
     *
     * @throws ModelInputException naming the plan file when the plan's parts do not fit this model
     */
    static Map<String, LinearReplacement> replacements(Plan plan, Path planFile, ModelFolder folder, SvdBackend backend,
                                                      SafetensorsWriter.Progress progress) {
        Map<String, List<PlannedMatrix>> byTensor = new LinkedHashMap<>();
        for (PlannedMatrix pm : plan.factorised()) {
            if (isPart(pm)) {
                if (plan.isDataAware()) {
                    throw new ModelInputException(planFile + ": the plan factorises " + pm.id() + ", a part of a fused "
                            + "matrix, on whitened spectra; data-aware factors of fused parts are not supported (plan "
                            + "the parts weights only, or the whole matrix)");
                }
                byTensor.computeIfAbsent(pm.id().substring(0, pm.id().indexOf(NameParser.PART)), t -> new java.util.ArrayList<>())
                        .add(pm);
            }
        }
        if (byTensor.isEmpty()) {
            return Map.of();
        }
        TensorSource source = folder.weights();
        Map<String, MatrixRef> refs = new HashMap<>();
        for (MatrixRef r : MatrixListing.of(source, false, ConvMode.RESHAPE).matrices()) {
            refs.put(r.id(), r);
        }
        Map<String, LinearModule> modules = new HashMap<>();
        for (LinearModule m : ModelRuntime.of(folder).linearModules()) {
            modules.put(m.weightName(), m);
        }
        double tolerance = FactorisedExportParameters.defaults().tolerance();
        Map<String, LinearReplacement> out = new HashMap<>();
        for (Map.Entry<String, List<PlannedMatrix>> e : byTensor.entrySet()) {
            String tensor = e.getKey();
            if (plan.matrix(tensor).map(PlannedMatrix::factorised).orElse(false)) {
                throw new ModelInputException(planFile + ": the plan factorises " + tensor + " and also its parts; "
                        + "plan one or the other");
            }
            LinearModule module = modules.get(tensor);
            if (module == null) {
                throw new ModelInputException(planFile + ": the plan factorises parts of " + tensor + ", which is not a "
                        + "linear module the runtime runs for " + folder.path().getFileName());
            }
            float[] stored = source.readFloat(tensor);
            TensorInfo info = source.require(tensor);
            for (PlannedMatrix pm : e.getValue()) {
                progress.beforeTensor(0, 1, info);
                MatrixRef ref = refs.get(pm.id());
                if (ref == null || ref.rows() != pm.rows() || ref.cols() != pm.cols()) {
                    throw new ModelInputException(planFile + ": " + folder.path().getFileName() + " has no part " + pm.id()
                            + " of " + pm.rows() + "×" + pm.cols() + " (was the plan made for another checkpoint?)");
                }
                Matrix w = MatrixReader.read(source, ref);
                Matrix approx = truncated(w, pm.rank(), backend);
                double measured = relativeError(w, approx);
                if (Math.abs(measured - pm.relativeError()) > tolerance) {
                    throw new ModelInputException(planFile + ": the compressed weights of " + pm.id() + " have relative "
                            + "error " + measured + ", not the plan's " + pm.relativeError() + "; the plan does not "
                            + "describe this checkpoint");
                }
                writeBack(stored, module.storedCols(), ref, approx);
            }
            out.put(module.name(), new LinearReplacement.Dense(module.storedRows(), module.storedCols(), stored));
        }
        return out;
    }

    /** The best rank-k approximation Σ_{t<k} σ_t u_t v_tᵀ of {@code w}. */
    static Matrix truncated(Matrix w, int k, SvdBackend backend) {
        SvdResult r = backend.svd(w);
        int m = w.rows();
        int n = w.cols();
        double[] out = new double[m * n];
        for (int t = 0; t < k; t++) {
            double s = r.sigma(t);
            for (int i = 0; i < m; i++) {
                double us = r.u().get(i, t) * s;
                for (int j = 0; j < n; j++) {
                    out[i * n + j] += us * r.vt().get(t, j);
                }
            }
        }
        return new Matrix(m, n, out);
    }

    private static double relativeError(Matrix w, Matrix approx) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < w.rows(); i++) {
            for (int j = 0; j < w.cols(); j++) {
                double d = w.get(i, j) - approx.get(i, j);
                num += d * d;
                den += w.get(i, j) * w.get(i, j);
            }
        }
        return den == 0 ? 0 : Math.sqrt(num / den);
    }

    /**
     * Writes the (out, in) part {@code approx} into the fused weight as stored: row i of the part is
     * row {@code rowIndex(i)} of the fused (out, in) view, which is stored column when the tensor is
     * stored (in, out) (GPT-2 Conv1D).
     */
    private static void writeBack(float[] stored, int storedCols, MatrixRef ref, Matrix approx) {
        MatrixSelection sel = ref.selection();
        for (int i = 0; i < approx.rows(); i++) {
            int row = sel.rowIndex(i);
            for (int j = 0; j < approx.cols(); j++) {
                int col = sel.allCols() ? j : sel.colIndex(j);
                int at = ref.transposed() ? col * storedCols + row : row * storedCols + col;
                stored[at] = (float) approx.get(i, j);
            }
        }
    }
}
