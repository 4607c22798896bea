package dev.rankscope.analysis.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The factorised-safetensors format for parts of fused matrices (SPEC §5; parts as SPEC §7 lists
 * them, e.g. GPT-2 {@code c_attn.weight#q}): a fused tensor {@code <module>.weight} with at least
 * one factorised part is written as its parts, each in the part's (out, in) orientation whatever
 * the fused tensor's storage — a factorised part p as {@code <module>.<p>.U.weight} (m_p×k) and
 * {@code <module>.<p>.V.weight} (k×n), a part kept dense as {@code <module>.<p>.weight} (m_p×n).
 * {@code __metadata__["rankscope_parts"]} says how to put the fused tensor back together: per
 * fused tensor its stored shape, whether it is stored (in, out), and per part the rows of the
 * (out, in) fused matrix that the part's rows are, as half-open ranges in order.
 *
 * <p>This class holds both halves of the format: which fused tensors a plan splits and their
 * parts ({@link #groups}), the names and the metadata (write side), and the reassembly
 * ({@link #assemble}) that {@code rankscope evaluate --factorized} runs. Pure apart from reading.
 */
public final class FusedPartFactors {
    /** Metadata key of the reassembly map. */
    public static final String METADATA_KEY = "rankscope_parts";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FusedPartFactors() {
    }

    /**
     * A fused tensor the plan splits into its parts.
     *
     * @param tensor  the fused tensor
     * @param parts   every part of it, in the listing's order (q, k, v)
     * @param planned the factorised parts' plan rows, by part id (the others are written dense)
     */
    public record Group(TensorInfo tensor, List<MatrixRef> parts, Map<String, PlannedMatrix> planned) {
        public Group {
            parts = List.copyOf(parts);
            planned = Map.copyOf(planned);
        }

        /** Whether the fused tensor is stored (in, out) (GPT-2 Conv1D). */
        public boolean transposed() {
            return parts.get(0).transposed();
        }
    }

    /** Whether a plan row is a part of a fused matrix ({@code tensor#q}). */
    public static boolean isPart(PlannedMatrix pm) {
        return pm.id().contains(NameParser.PART);
    }

    /** The suffix of a part id without {@code #}: {@code q} for {@code c_attn.weight#q}. */
    public static String suffix(String partId) {
        return partId.substring(partId.indexOf(NameParser.PART) + 1);
    }

    /**
     * Output name of a part's tensor: {@code <module>.<p>.U.weight} / {@code .V.weight} for
     * {@code which} U or V, {@code <module>.<p>.weight} for a dense part ({@code which} 0).
     */
    public static String partName(String tensor, String part, char which) {
        String base = tensor.endsWith(".weight") ? tensor.substring(0, tensor.length() - 7) : tensor;
        return base + "." + part + (which == 0 ? "" : "." + which) + ".weight";
    }

    /**
     * The fused tensors of {@code source} that {@code plan} factorises parts of, by tensor name.
     *
     * @throws PlanFileException NOT_EXPORTABLE when a planned part is not a part of this checkpoint
     *                           with the planned shape, or the plan also factorises the fused matrix
     */
    public static Map<String, Group> groups(Plan plan, TensorSource source) {
        Map<String, List<PlannedMatrix>> byTensor = new LinkedHashMap<>();
        for (PlannedMatrix pm : plan.factorised()) {
            if (isPart(pm)) {
                byTensor.computeIfAbsent(NameParser.wholeId(pm.id()), t -> new ArrayList<>()).add(pm);
            }
        }
        if (byTensor.isEmpty()) {
            return Map.of();
        }
        Map<String, List<MatrixRef>> partsOf = new HashMap<>();
        for (MatrixRef r : MatrixListing.of(source, false, ConvMode.RESHAPE).matrices()) {
            if (r.isPart() && r.id().indexOf(NameParser.PART) == r.id().lastIndexOf(NameParser.PART)) {
                partsOf.computeIfAbsent(r.tensor(), t -> new ArrayList<>()).add(r);
            }
        }
        Map<String, Group> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<PlannedMatrix>> e : byTensor.entrySet()) {
            String tensor = e.getKey();
            if (plan.matrix(tensor).map(PlannedMatrix::factorised).orElse(false)) {
                throw new PlanFileException(source.path(), PlanFileException.Kind.NOT_EXPORTABLE, "the plan factorises "
                        + tensor + " and also its parts; plan one or the other");
            }
            List<MatrixRef> parts = partsOf.getOrDefault(tensor, List.of());
            Map<String, PlannedMatrix> planned = new HashMap<>();
            for (PlannedMatrix pm : e.getValue()) {
                MatrixRef ref = parts.stream().filter(r -> r.id().equals(pm.id())).findFirst().orElse(null);
                if (ref == null || ref.rows() != pm.rows() || ref.cols() != pm.cols() || ref.slice() >= 0) {
                    throw new PlanFileException(source.path(), PlanFileException.Kind.NOT_EXPORTABLE, "has no part "
                            + pm.id() + " of " + pm.rows() + "×" + pm.cols() + " (was the plan made for another checkpoint?)");
                }
                planned.put(pm.id(), pm);
            }
            out.put(tensor, new Group(source.require(tensor), parts, planned));
        }
        return out;
    }

    /** The {@value #METADATA_KEY} JSON for {@code groups}. */
    public static String metadata(Map<String, Group> groups) {
        ObjectNode root = JSON.createObjectNode();
        for (Group g : groups.values()) {
            ObjectNode t = root.putObject(g.tensor().name());
            ArrayNode shape = t.putArray("shape");
            for (long d : g.tensor().shape()) {
                shape.add(d);
            }
            t.put("transposed", g.transposed());
            ObjectNode parts = t.putObject("parts");
            for (MatrixRef p : g.parts()) {
                ArrayNode ranges = parts.putArray(suffix(p.id()));
                int[] rows = p.selection().rows();
                int start = 0;
                for (int i = 1; i <= rows.length; i++) {
                    if (i == rows.length || rows[i] != rows[i - 1] + 1) {
                        ranges.addArray().add(rows[start]).add(rows[i - 1] + 1);
                        start = i;
                    }
                }
            }
        }
        return root.toString();
    }

    /**
     * How one fused tensor of a factorised file is put back together.
     *
     * @param rows       stored rows
     * @param cols       stored columns
     * @param transposed stored (in, out): fused (out, in) row r is stored column r
     * @param parts      part suffix → the fused (out, in) rows of the part's rows, in order
     */
    public record Layout(int rows, int cols, boolean transposed, Map<String, int[]> parts) {
        public Layout {
            parts = Map.copyOf(parts);
        }

        /** Inputs of every part: the (out, in) fused matrix's columns. */
        public int inputs() {
            return transposed ? rows : cols;
        }
    }

    /**
     * The reassembly map of a factorised file, by fused tensor name (empty when the file has none).
     *
     * @throws PlanFileException INVALID when the metadata is not the format above
     */
    public static Map<String, Layout> layouts(TensorSource file) {
        String json = file.metadata().get(METADATA_KEY);
        if (json == null) {
            return Map.of();
        }
        Map<String, Layout> out = new LinkedHashMap<>();
        try {
            JsonNode root = JSON.readTree(json);
            for (Map.Entry<String, JsonNode> t : iterable(root)) {
                JsonNode shape = t.getValue().get("shape");
                Map<String, int[]> parts = new LinkedHashMap<>();
                for (Map.Entry<String, JsonNode> p : iterable(t.getValue().get("parts"))) {
                    List<Integer> rows = new ArrayList<>();
                    for (JsonNode range : p.getValue()) {
                        for (int r = range.get(0).asInt(); r < range.get(1).asInt(); r++) {
                            rows.add(r);
                        }
                    }
                    parts.put(p.getKey(), rows.stream().mapToInt(Integer::intValue).toArray());
                }
                out.put(t.getKey(), new Layout(shape.get(0).asInt(), shape.get(1).asInt(),
                        t.getValue().get("transposed").asBoolean(), parts));
            }
        } catch (IOException | RuntimeException e) {
            throw new PlanFileException(file.path(), PlanFileException.Kind.MALFORMED, "its " + METADATA_KEY
                    + " metadata is not the SPEC §5 map of fused tensors to their parts (" + e.getMessage() + ")");
        }
        return out;
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("expected an object");
        }
        return node::fields;
    }

    /**
     * The fused tensor {@code tensor} as stored (row-major, {@code layout.rows() × layout.cols()}),
     * put back together from its parts in {@code file}: row i of part p (U_p·V_p, or the dense
     * part) is fused (out, in) row {@code parts[p][i]}.
     *
     * @throws PlanFileException INVALID naming the part whose tensors are missing or of the wrong shape,
     *                           or a fused row no part covers
     */
    public static float[] assemble(TensorSource file, String tensor, Layout layout) {
        int n = layout.inputs();
        int storedCols = layout.cols();
        float[] out = new float[layout.rows() * layout.cols()];
        boolean[] covered = new boolean[layout.transposed() ? layout.cols() : layout.rows()];
        for (Map.Entry<String, int[]> e : layout.parts().entrySet()) {
            int[] rows = e.getValue();
            double[] part = partValues(file, tensor, e.getKey(), rows.length, n);
            for (int i = 0; i < rows.length; i++) {
                int r = rows[i];
                if (r < 0 || r >= covered.length || covered[r]) {
                    throw invalid(file, tensor, "row " + r + " of part " + e.getKey() + " is outside the fused matrix or "
                            + "given twice");
                }
                covered[r] = true;
                for (int j = 0; j < n; j++) {
                    out[layout.transposed() ? j * storedCols + r : r * storedCols + j] = (float) part[i * n + j];
                }
            }
        }
        for (int r = 0; r < covered.length; r++) {
            if (!covered[r]) {
                throw invalid(file, tensor, "no part covers fused row " + r);
            }
        }
        return out;
    }

    /** Part {@code p} of {@code tensor} as an m×n row-major array: U·V, or its dense tensor. */
    private static double[] partValues(TensorSource file, String tensor, String p, int m, int n) {
        Optional<TensorInfo> dense = file.find(partName(tensor, p, (char) 0));
        if (dense.isPresent()) {
            requireShape(file, tensor, dense.get(), m, n);
            return file.readDouble(dense.get().name());
        }
        TensorInfo u = file.find(partName(tensor, p, 'U')).orElseThrow(() -> invalid(file, tensor, "part " + p
                + " has neither " + partName(tensor, p, (char) 0) + " nor " + partName(tensor, p, 'U')));
        TensorInfo v = file.find(partName(tensor, p, 'V')).orElseThrow(() -> invalid(file, tensor, "part " + p
                + " has " + u.name() + " but no " + partName(tensor, p, 'V')));
        if (u.rank() != 2 || v.rank() != 2 || u.dim(0) != m || v.dim(1) != n || u.dim(1) != v.dim(0)) {
            throw invalid(file, tensor, "factors of part " + p + " are " + u.shapeString() + " and " + v.shapeString()
                    + ", which do not make its " + m + "×" + n + " rows");
        }
        return product(file.readDouble(u.name()), file.readDouble(v.name()), m, (int) u.dim(1), n);
    }

    /** U·V for row-major U (m×k) and V (k×n). */
    static double[] product(double[] u, double[] v, int m, int k, int n) {
        double[] out = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int t = 0; t < k; t++) {
                double c = u[i * k + t];
                for (int j = 0; j < n; j++) {
                    out[i * n + j] += c * v[t * n + j];
                }
            }
        }
        return out;
    }

    private static void requireShape(TensorSource file, String tensor, TensorInfo t, int m, int n) {
        if (t.rank() != 2 || t.dim(0) != m || t.dim(1) != n) {
            throw invalid(file, tensor, t.name() + " is " + t.shapeString() + ", expected " + m + "×" + n);
        }
    }

    private static PlanFileException invalid(TensorSource file, String tensor, String problem) {
        Path p = file.path();
        return new PlanFileException(p, PlanFileException.Kind.MALFORMED, "fused tensor " + tensor + ": " + problem);
    }
}
