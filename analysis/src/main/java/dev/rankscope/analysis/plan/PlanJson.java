package dev.rankscope.analysis.plan;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.LowRankLabel;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.tensor.DType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plan JSON (SPEC §5): {@code {"format": "rankscope-plan", "version": 1, "source", "strategy":
 * {name, parameters}, "budget", "scope", "constraints", "created", "tool", "matrices": [...],
 * "totals", "notes"}}. Writer and reader; {@code read(write(p)) equals p}. Unknown formats and
 * versions are rejected with a message naming the file.
 *
 * <p>Matrix entries carry SPEC's columns {@code name, shape, dtype, rank, dense, params_before,
 * params_after, retained_energy, rel_error} plus {@code module, layer, module_type, eligible,
 * bytes_before, bytes_after, total_energy, label}. On reading, totals are recomputed from the
 * matrices and must agree with the file's parameter counts. Stateless and thread-safe.
 */
public final class PlanJson {
    public static final String FORMAT = "rankscope-plan";
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private PlanJson() {
    }

    // ---- writing --------------------------------------------------------------------------

    /** The plan as a JSON tree. */
    public static ObjectNode toTree(Plan plan) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", FORMAT);
        root.put("version", VERSION);
        ObjectNode src = root.putObject("source");
        src.put("path", plan.source().path());
        src.put("header_sha256", plan.source().headerSha256());
        src.put("tensor_count", plan.source().tensorCount());
        ObjectNode strategy = root.putObject("strategy");
        strategy.put("name", plan.strategyName());
        strategy.set("parameters", MAPPER.valueToTree(plan.strategy()));
        Budget b = plan.budget();
        ObjectNode budget = root.putObject("budget");
        budget.put("kind", b.kind().id());
        if (b.kind() == Budget.Kind.KEPT_FRACTION) {
            budget.put("kept_fraction", b.keptFraction());
        } else {
            budget.put(b.kind() == Budget.Kind.PARAMS ? "params" : "bytes", b.amount());
        }
        budget.put("dtype", b.dtype().name());
        budget.put("allowance_params", plan.totals().budgetParams());
        ObjectNode scope = root.putObject("scope");
        ArrayNode types = scope.putArray("module_types");
        new TreeSet<>(plan.scope().moduleTypes().stream().map(ModuleType::label).toList()).forEach(types::add);
        ArrayNode layers = scope.putArray("layers");
        for (Scope.LayerRange r : plan.scope().layers()) {
            layers.addArray().add(r.first()).add(r.last());
        }
        scope.put("name_regex", plan.scope().nameRegex());
        Constraints c = plan.constraints();
        ObjectNode cons = root.putObject("constraints");
        cons.put("min_rank", c.minRank());
        if (c.maxRank() == Integer.MAX_VALUE) {
            cons.putNull("max_rank");
        } else {
            cons.put("max_rank", c.maxRank());
        }
        cons.put("rank_multiple", c.rankMultiple());
        cons.put("allow_dense", c.allowDense());
        ArrayNode ex = cons.putArray("excluded");
        new TreeSet<>(c.excluded()).forEach(ex::add);
        root.put("created", plan.created().toString());
        ObjectNode tool = root.putObject("tool");
        tool.put("name", plan.tool().name());
        tool.put("version", plan.tool().version());
        tool.put("engine", plan.tool().engine());
        ArrayNode mats = root.putArray("matrices");
        for (PlannedMatrix m : plan.matrices()) {
            ObjectNode o = mats.addObject();
            o.put("name", m.id());
            o.putArray("shape").add(m.rows()).add(m.cols());
            o.put("dtype", m.dtype().name());
            o.put("rank", m.rank());
            o.put("dense", m.dense());
            o.put("params_before", m.paramsBefore());
            o.put("params_after", m.paramsAfter());
            o.put("retained_energy", m.retainedEnergy());
            o.put("rel_error", m.relativeError());
            o.put("module", m.moduleName());
            o.put("layer", m.layer());
            o.put("module_type", m.module().label());
            o.put("eligible", m.eligible());
            o.put("bytes_before", m.bytesBefore());
            o.put("bytes_after", m.bytesAfter());
            o.put("total_energy", m.totalEnergy());
            if (m.label() != LowRankLabel.NONE) {
                o.put("label", m.label().id());
            }
        }
        PlanTotals t = plan.totals();
        ObjectNode tot = root.putObject("totals");
        tot.put("matrix_count", t.matrixCount());
        tot.put("eligible_count", t.eligibleCount());
        tot.put("factorised_count", t.factorisedCount());
        tot.put("params_before", t.paramsBefore());
        tot.put("params_after", t.paramsAfter());
        tot.put("eligible_params_before", t.eligibleParamsBefore());
        tot.put("eligible_params_after", t.eligibleParamsAfter());
        tot.put("kept_fraction", t.keptFraction());
        if (Double.isFinite(t.compressionRatio())) {
            tot.put("compression_ratio", t.compressionRatio());
        } else {
            tot.putNull("compression_ratio");
        }
        tot.put("bytes_before", t.bytesBefore());
        tot.put("bytes_after", t.bytesAfter());
        tot.put("discarded_energy", t.discardedEnergy());
        tot.put("rel_error", t.relativeError());
        ArrayNode notes = root.putArray("notes");
        plan.notes().forEach(notes::add);
        return root;
    }

    /** The plan as indented JSON text. */
    public static String toJson(Plan plan) {
        try {
            return MAPPER.writeValueAsString(toTree(plan));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("plan JSON could not be serialised", e);
        }
    }

    /**
     * Writes the plan atomically through {@code files} (temporary file in the target folder, then
     * rename). Refuses to write over the plan's source checkpoint or any input {@code files}
     * protects.
     *
     * @throws dev.rankscope.engine.io.CheckpointWriteException REFUSED or IO
     */
    public static void write(Plan plan, Path target, AtomicFileWriter files) {
        ExportFiles.protecting(files, plan).writeBytes(target, toJson(plan).getBytes(StandardCharsets.UTF_8));
    }

    /** {@link #write(Plan, Path, AtomicFileWriter)} protecting only the plan's source. */
    public static void write(Plan plan, Path target) {
        write(plan, target, AtomicFileWriter.unprotected());
    }

    // ---- reading --------------------------------------------------------------------------

    /** Reads a plan file. */
    public static Plan read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PlanFileException(file, PlanFileException.Kind.UNREADABLE,
                    "cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        return fromJson(text, file);
    }

    /**
     * Parses plan JSON. {@code origin} names the file in messages (null for in-memory text).
     *
     * @throws PlanFileException WRONG_FORMAT, UNSUPPORTED_VERSION or MALFORMED
     */
    public static Plan fromJson(String json, Path origin) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new PlanFileException(origin, PlanFileException.Kind.MALFORMED,
                    "is not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new PlanFileException(origin, PlanFileException.Kind.MALFORMED, "is not a JSON object");
        }
        JsonNode format = root.get("format");
        if (format == null || !FORMAT.equals(format.asText())) {
            throw new PlanFileException(origin, PlanFileException.Kind.WRONG_FORMAT, "is not a Rankscope plan (format "
                    + (format == null ? "missing" : "'" + format.asText() + "'") + ", expected '" + FORMAT + "')");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.canConvertToInt() || !version.isIntegralNumber() || version.asInt() != VERSION) {
            throw new PlanFileException(origin, PlanFileException.Kind.UNSUPPORTED_VERSION, "plan version "
                    + (version == null ? "missing" : version.toString()) + " is not supported (this Rankscope reads version "
                    + VERSION + ")");
        }
        try {
            return parse(root, origin);
        } catch (IllegalArgumentException | NullPointerException | DateTimeParseException | IOException e) {
            throw new PlanFileException(origin, PlanFileException.Kind.MALFORMED, "invalid plan: " + e.getMessage(), e);
        }
    }

    private static JsonNode req(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = req(n, field);
        if (!v.isTextual()) {
            throw new IllegalArgumentException("field '" + field + "' must be a string");
        }
        return v.asText();
    }

    private static long integer(JsonNode n, String field) {
        JsonNode v = req(n, field);
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("field '" + field + "' must be an integer");
        }
        return v.asLong();
    }

    private static int int32(JsonNode n, String field) {
        long v = integer(n, field);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("field '" + field + "' is out of range");
        }
        return (int) v;
    }

    private static double number(JsonNode n, String field) {
        JsonNode v = req(n, field);
        if (!v.isNumber()) {
            throw new IllegalArgumentException("field '" + field + "' must be a number");
        }
        return v.asDouble();
    }

    private static boolean bool(JsonNode n, String field) {
        JsonNode v = req(n, field);
        if (!v.isBoolean()) {
            throw new IllegalArgumentException("field '" + field + "' must be true or false");
        }
        return v.asBoolean();
    }

    private static DType dtype(String name) {
        return DType.parse(name).orElseThrow(() -> new IllegalArgumentException("unknown dtype '" + name + "'"));
    }

    private static Plan parse(JsonNode root, Path origin) throws IOException {
        JsonNode src = req(root, "source");
        PlanSource source = new PlanSource(text(src, "path"), text(src, "header_sha256"), int32(src, "tensor_count"));

        JsonNode st = req(root, "strategy");
        String name = text(st, "name");
        StrategyParameters strategy = MAPPER.treeToValue(req(st, "parameters"), StrategyRegistry.standard().description(name).type());

        JsonNode b = req(root, "budget");
        Budget.Kind kind = Budget.Kind.fromId(text(b, "kind"));
        DType bd = dtype(text(b, "dtype"));
        Budget budget = switch (kind) {
            case KEPT_FRACTION -> new Budget(kind, number(b, "kept_fraction"), 0, bd);
            case PARAMS -> new Budget(kind, 0, integer(b, "params"), bd);
            case BYTES -> new Budget(kind, 0, integer(b, "bytes"), bd);
        };
        long allowance = integer(b, "allowance_params");

        JsonNode sc = req(root, "scope");
        Set<ModuleType> types = EnumSet.noneOf(ModuleType.class);
        for (JsonNode t : req(sc, "module_types")) {
            ModuleType mt = ModuleType.fromLabel(t.asText());
            if (mt == ModuleType.OTHER && !t.asText().equals(ModuleType.OTHER.label())) {
                throw new IllegalArgumentException("unknown module type '" + t.asText() + "'");
            }
            types.add(mt);
        }
        List<Scope.LayerRange> ranges = new ArrayList<>();
        for (JsonNode r : req(sc, "layers")) {
            if (!r.isArray() || r.size() != 2) {
                throw new IllegalArgumentException("a layer range must be [first, last]");
            }
            ranges.add(new Scope.LayerRange(r.get(0).asInt(), r.get(1).asInt()));
        }
        Scope scope = new Scope(types, ranges, text(sc, "name_regex"));

        JsonNode cn = req(root, "constraints");
        JsonNode maxRank = cn.get("max_rank");
        Set<String> excluded = new TreeSet<>();
        for (JsonNode e : req(cn, "excluded")) {
            excluded.add(e.asText());
        }
        Constraints constraints = new Constraints(int32(cn, "min_rank"),
                maxRank == null || maxRank.isNull() ? Integer.MAX_VALUE : int32(cn, "max_rank"),
                int32(cn, "rank_multiple"), bool(cn, "allow_dense"), excluded);

        Instant created = Instant.parse(text(root, "created"));
        JsonNode tl = req(root, "tool");
        ToolInfo tool = new ToolInfo(text(tl, "name"), text(tl, "version"), text(tl, "engine"));

        List<PlannedMatrix> matrices = new ArrayList<>();
        for (Iterator<JsonNode> it = req(root, "matrices").elements(); it.hasNext(); ) {
            JsonNode m = it.next();
            JsonNode shape = req(m, "shape");
            if (!shape.isArray() || shape.size() != 2) {
                throw new IllegalArgumentException("matrix '" + m.path("name").asText() + "': shape must be [m, n]");
            }
            String label = m.has("label") ? text(m, "label") : "";
            matrices.add(new PlannedMatrix(text(m, "name"), text(m, "module"), int32(m, "layer"),
                    ModuleType.fromLabel(text(m, "module_type")), shape.get(0).asInt(), shape.get(1).asInt(),
                    dtype(text(m, "dtype")), bool(m, "eligible"), bool(m, "dense"), int32(m, "rank"),
                    integer(m, "params_before"), integer(m, "params_after"), integer(m, "bytes_before"),
                    integer(m, "bytes_after"), number(m, "total_energy"), number(m, "retained_energy"),
                    number(m, "rel_error"), LowRankLabel.fromId(label)));
        }
        PlanTotals totals = PlanTotals.of(matrices, allowance);
        JsonNode tt = req(root, "totals");
        if (integer(tt, "params_before") != totals.paramsBefore() || integer(tt, "params_after") != totals.paramsAfter()
                || integer(tt, "eligible_params_after") != totals.eligibleParamsAfter()) {
            throw new IllegalArgumentException("totals disagree with the matrices (was the file edited?)");
        }
        List<String> notes = new ArrayList<>();
        JsonNode ns = root.get("notes");
        if (ns != null) {
            ns.forEach(n -> notes.add(n.asText()));
        }
        return new Plan(source, strategy, budget, scope, constraints, created, tool, matrices, totals, notes);
    }
}
