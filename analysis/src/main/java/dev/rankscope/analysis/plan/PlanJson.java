package dev.rankscope.analysis.plan;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.DataAwareParameters;
import dev.rankscope.analysis.allocation.DataAwareness;
import dev.rankscope.analysis.allocation.LowRankLabel;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyDescription;
import dev.rankscope.analysis.allocation.StrategyParameter;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.analysis.json.Json;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Plan JSON (SPEC §5): {@code {"format": "rankscope-plan", "version": 1, "source", "strategy":
 * {name, parameters}, "budget", "scope", "constraints", "created", "tool", "matrices": [...],
 * "totals", "notes"}}, written and read by Jackson databind on the records below (snake_case
 * names, NaN/±∞ as {@code null} through {@link Json}). {@code read(write(p)) equals p}. Unknown
 * formats and versions are rejected with a message naming the file.
 *
 * <p>{@code "strategy": {"parameters"}} holds every parameter of the strategy's
 * {@link StrategyDescription} (so the file is the provenance of the run); on reading, a parameter
 * the file lacks takes its default and one the strategy does not have is refused. Matrix entries
 * carry SPEC's columns {@code name, shape, dtype, rank, dense, params_before, params_after,
 * retained_energy, rel_error} plus {@code module, layer, module_type, eligible, bytes_before,
 * bytes_after, total_energy, label} (label only for WeLore's LRC/N-LRC). Every other field is
 * required; {@code label}, {@code notes} and {@code max_rank} may be absent (older files). On
 * reading, totals are recomputed from the matrices and must agree with the file's parameter
 * counts. Stateless and thread-safe.
 */
public final class PlanJson {
    public static final String FORMAT = "rankscope-plan";
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = Json.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();

    private PlanJson() {
    }

    // ---- the file's shape -----------------------------------------------------------------

    /** The whole file, fields in the documented order. */
    record PlanFile(String format, int version, PlanSource source, StrategyEntry strategy, BudgetEntry budget,
                    ScopeEntry scope, ConstraintsEntry constraints, String created, ToolInfo tool,
                    List<MatrixEntry> matrices, TotalsEntry totals, List<String> notes,
                    @JsonInclude(JsonInclude.Include.NON_NULL) DataAwareEntry dataAware) {
    }

    /**
     * How calibration statistics shaped the spectra (SPEC §4), absent for weight-only plans:
     * the method, its exponent and requested damping, the statistics file and its sha256, and per
     * matrix the factorisation used and the damping that made it succeed.
     */
    record DataAwareEntry(String method, double exponent, double damping, String statisticsPath,
                          String statisticsSha256, Map<String, ModuleEntry> matrices) {
    }

    /** One matrix's whitening: {@code factorisation} (e.g. cholesky), the damping used, whether it was raised. */
    record ModuleEntry(String factorisation, double damping, boolean raised) {
    }

    /**
     * A strategy with its parameters as JSON: {@code {"name", "parameters": {key: value, …}}}, keys
     * as in {@link StrategyParameter#key()}, every parameter of the strategy's description (so the
     * entry is the provenance of a run). Plan files and job parameters ({@code PlanParameters})
     * share it.
     */
    public record StrategyEntry(String name, Map<String, Object> parameters) {

        /** The entry of {@code strategy}: its name and every parameter's value (enums by name). */
        public static StrategyEntry of(StrategyParameters strategy) {
            StrategyDescription d = strategy.description();
            Map<String, Object> parameters = new LinkedHashMap<>();
            List<Object> values = d.values(strategy);
            for (int i = 0; i < values.size(); i++) {
                Object v = values.get(i);
                parameters.put(d.parameters().get(i).key(), v instanceof Enum<?> e ? e.name() : v);
            }
            return new StrategyEntry(d.name(), parameters);
        }

        /**
         * The strategy's parameters, its name looked up in {@code strategies}: defaults for keys the
         * entry lacks, each value parsed by its parameter.
         *
         * @throws IllegalArgumentException naming an unknown strategy or parameter, or a bad value
         */
        public StrategyParameters toParameters(StrategyRegistry strategies) {
            StrategyDescription d = strategies.description(required(name, "strategy.name"));
            Map<String, Object> values = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : required(parameters, "strategy.parameters").entrySet()) {
                StrategyParameter p = d.parameter(e.getKey()).filter(q -> q.key().equals(e.getKey()))
                        .orElseThrow(() -> new IllegalArgumentException(d.name() + " has no parameter '" + e.getKey()
                                + "' (valid: " + d.keys() + ")"));
                Object v = required(e.getValue(), "strategy.parameters." + e.getKey());
                if ((v instanceof String) != (p.kind() == StrategyParameter.Kind.CHOICE)) {
                    throw new IllegalArgumentException("strategy parameter '" + e.getKey() + "' must be " + p.accepts());
                }
                values.put(p.name(), p.parse(String.valueOf(v)));
            }
            return d.with(d.defaults(), values);
        }
    }

    /** One of kept_fraction / params / bytes is present, as {@code kind} says. */
    record BudgetEntry(String kind, @JsonInclude(JsonInclude.Include.NON_NULL) Double keptFraction,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Long params,
                       @JsonInclude(JsonInclude.Include.NON_NULL) Long bytes, String dtype, long allowanceParams) {
    }

    /** Module type labels sorted; layer ranges as {@code [first, last]}. */
    record ScopeEntry(List<String> moduleTypes, List<int[]> layers, String nameRegex) {
    }

    /** {@code max_rank} is {@code null} when unlimited; exclusions sorted. */
    record ConstraintsEntry(int minRank, Integer maxRank, int rankMultiple, boolean allowDense, List<String> excluded) {
    }

    /** One matrix; {@code label} is left out when the strategy does not label matrices. */
    record MatrixEntry(String name, int[] shape, String dtype, int rank, boolean dense, long paramsBefore,
                       long paramsAfter, double retainedEnergy, double relError, String module, int layer,
                       String moduleType, boolean eligible, long bytesBefore, long bytesAfter, double totalEnergy,
                       @JsonInclude(JsonInclude.Include.NON_NULL) String label) {
    }

    /**
     * Totals; the compression ratio is {@code null} when nothing is kept (∞). Reading recomputes
     * totals from the matrices and only checks the parameter counts against them.
     */
    record TotalsEntry(int matrixCount, int eligibleCount, int factorisedCount, long paramsBefore, long paramsAfter,
                       long eligibleParamsBefore, long eligibleParamsAfter, double keptFraction,
                       Double compressionRatio, long bytesBefore, long bytesAfter, double discardedEnergy,
                       double relError) {
    }

    // ---- writing --------------------------------------------------------------------------

    static PlanFile toFile(Plan plan) {
        Budget b = plan.budget();
        BudgetEntry budget = new BudgetEntry(b.kind().id(),
                b.kind() == Budget.Kind.KEPT_FRACTION ? b.keptFraction() : null,
                b.kind() == Budget.Kind.PARAMS ? b.amount() : null,
                b.kind() == Budget.Kind.BYTES ? b.amount() : null,
                b.dtype().name(), plan.totals().budgetParams());
        ScopeEntry scope = new ScopeEntry(
                new ArrayList<>(new TreeSet<>(plan.scope().moduleTypes().stream().map(ModuleType::label).toList())),
                plan.scope().layers().stream().map(r -> new int[] {r.first(), r.last()}).toList(),
                plan.scope().nameRegex());
        Constraints c = plan.constraints();
        ConstraintsEntry constraints = new ConstraintsEntry(c.minRank(),
                c.maxRank() == Integer.MAX_VALUE ? null : c.maxRank(), c.rankMultiple(), c.allowDense(),
                new ArrayList<>(new TreeSet<>(c.excluded())));
        List<MatrixEntry> matrices = new ArrayList<>();
        for (PlannedMatrix m : plan.matrices()) {
            matrices.add(new MatrixEntry(m.id(), new int[] {m.rows(), m.cols()}, m.dtype().name(), m.rank(), m.dense(),
                    m.paramsBefore(), m.paramsAfter(), m.retainedEnergy(), m.relativeError(), m.moduleName(),
                    m.layer(), m.module().label(), m.eligible(), m.bytesBefore(), m.bytesAfter(), m.totalEnergy(),
                    m.label() == LowRankLabel.NONE ? null : m.label().id()));
        }
        PlanTotals t = plan.totals();
        TotalsEntry totals = new TotalsEntry(t.matrixCount(), t.eligibleCount(), t.factorisedCount(),
                t.paramsBefore(), t.paramsAfter(), t.eligibleParamsBefore(), t.eligibleParamsAfter(), t.keptFraction(),
                t.compressionRatio(), t.bytesBefore(), t.bytesAfter(), t.discardedEnergy(), t.relativeError());
        return new PlanFile(FORMAT, VERSION, plan.source(), StrategyEntry.of(plan.strategy()), budget, scope,
                constraints, plan.created().toString(), plan.tool(), matrices, totals, plan.notes(), dataAware(plan));
    }

    private static DataAwareEntry dataAware(Plan plan) {
        DataAwareness da = plan.dataAware();
        if (da == null) {
            return null;
        }
        Map<String, ModuleEntry> modules = new java.util.TreeMap<>();
        da.modules().forEach((id, mt) -> modules.put(id, new ModuleEntry(mt.factorisation(), mt.damping(), mt.raised())));
        return new DataAwareEntry(da.method(), da.parameters().exponent(), da.parameters().damping(), da.statisticsPath(),
                da.statisticsSha256(), modules);
    }

    private static DataAwareness dataAware(DataAwareEntry e) {
        if (e == null) {
            return null;
        }
        Map<String, DataAwareness.ModuleTransform> modules = new java.util.TreeMap<>();
        if (e.matrices() != null) {
            e.matrices().forEach((id, m) -> modules.put(id, new DataAwareness.ModuleTransform(m.factorisation(), m.damping(), m.raised())));
        }
        return new DataAwareness(e.method(), new DataAwareParameters(DataAwareness.method(e.method()), e.exponent(), e.damping()),
                e.statisticsPath(), e.statisticsSha256(), modules);
    }

    /** The plan as indented JSON text. */
    public static String toJson(Plan plan) {
        try {
            return MAPPER.writeValueAsString(toFile(plan));
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

    /** Reads a plan file whose strategy is one of {@link StrategyRegistry#standard()}. */
    public static Plan read(Path file) {
        return read(file, StrategyRegistry.standard());
    }

    /**
     * {@link #read(Path)} with the file's strategy looked up in {@code strategies} (the registry the
     * front end offers, which may hold more than the standard strategies).
     */
    public static Plan read(Path file, StrategyRegistry strategies) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new PlanFileException(file, PlanFileException.Kind.UNREADABLE,
                    "cannot be read (" + e.getClass().getSimpleName() + ")", e);
        }
        return fromJson(text, file, strategies);
    }

    /** {@link #fromJson(String, Path, StrategyRegistry)} with the standard strategies. */
    public static Plan fromJson(String json, Path origin) {
        return fromJson(json, origin, StrategyRegistry.standard());
    }

    /**
     * Parses plan JSON. {@code origin} names the file in messages (null for in-memory text).
     *
     * @param strategies where the file's strategy name is looked up
     * @throws PlanFileException WRONG_FORMAT, UNSUPPORTED_VERSION or MALFORMED
     */
    public static Plan fromJson(String json, Path origin, StrategyRegistry strategies) {
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
            return toPlan(MAPPER.treeToValue(withOptionalFields((ObjectNode) root.deepCopy()), PlanFile.class),
                    strategies);
        } catch (JsonMappingException e) {
            throw new PlanFileException(origin, PlanFileException.Kind.MALFORMED, "invalid plan: " + problem(e), e);
        } catch (IllegalArgumentException | NullPointerException | DateTimeParseException | IOException e) {
            throw new PlanFileException(origin, PlanFileException.Kind.MALFORMED, "invalid plan: " + e.getMessage(), e);
        }
    }

    /**
     * Explicit nulls for the fields older files may lack and for the budget amounts its kind does
     * not use, so every other field can be required.
     */
    private static ObjectNode withOptionalFields(ObjectNode root) {
        if (!root.has("notes")) {
            root.putArray("notes");
        }
        if (!root.has("data_aware")) {
            root.putNull("data_aware");
        }
        if (root.get("budget") instanceof ObjectNode b) {
            for (String amount : List.of("kept_fraction", "params", "bytes")) {
                if (!b.has(amount)) {
                    b.putNull(amount);
                }
            }
        }
        if (root.get("constraints") instanceof ObjectNode c && !c.has("max_rank")) {
            c.putNull("max_rank");
        }
        if (root.get("matrices") != null) {
            for (JsonNode m : root.get("matrices")) {
                if (m instanceof ObjectNode o && !o.has("label")) {
                    o.putNull("label");
                }
            }
        }
        return root;
    }

    /** A record's own message when it rejected a value, else Jackson's with the JSON path. */
    private static String problem(JsonMappingException e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IllegalArgumentException || t instanceof NullPointerException) {
                return t.getMessage();
            }
        }
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                path.append('[').append(r.getIndex()).append(']');
            }
        }
        return e.getOriginalMessage() + (path.length() == 0 ? "" : " at " + path);
    }

    private static Plan toPlan(PlanFile f, StrategyRegistry strategies) throws IOException {
        StrategyParameters strategy = required(f.strategy(), "strategy").toParameters(strategies);
        DType bd = dtype(f.budget().dtype());
        Budget.Kind kind = Budget.Kind.fromId(f.budget().kind());
        Budget budget = switch (kind) {
            case KEPT_FRACTION -> new Budget(kind, required(f.budget().keptFraction(), "kept_fraction"), 0, bd);
            case PARAMS -> new Budget(kind, 0, required(f.budget().params(), "params"), bd);
            case BYTES -> new Budget(kind, 0, required(f.budget().bytes(), "bytes"), bd);
        };
        Set<ModuleType> types = EnumSet.noneOf(ModuleType.class);
        for (String t : f.scope().moduleTypes()) {
            ModuleType mt = ModuleType.fromLabel(t);
            if (mt == ModuleType.OTHER && !t.equals(ModuleType.OTHER.label())) {
                throw new IllegalArgumentException("unknown module type '" + t + "'");
            }
            types.add(mt);
        }
        List<Scope.LayerRange> ranges = new ArrayList<>();
        for (int[] r : f.scope().layers()) {
            if (r.length != 2) {
                throw new IllegalArgumentException("a layer range must be [first, last]");
            }
            ranges.add(new Scope.LayerRange(r[0], r[1]));
        }
        Scope scope = new Scope(types, ranges, f.scope().nameRegex());
        ConstraintsEntry cn = f.constraints();
        Constraints constraints = new Constraints(cn.minRank(), cn.maxRank() == null ? Integer.MAX_VALUE : cn.maxRank(),
                cn.rankMultiple(), cn.allowDense(), new TreeSet<>(cn.excluded()));
        List<PlannedMatrix> matrices = new ArrayList<>();
        for (MatrixEntry m : f.matrices()) {
            if (m.shape().length != 2) {
                throw new IllegalArgumentException("matrix '" + m.name() + "': shape must be [m, n]");
            }
            matrices.add(new PlannedMatrix(m.name(), m.module(), m.layer(), ModuleType.fromLabel(m.moduleType()),
                    m.shape()[0], m.shape()[1], dtype(m.dtype()), m.eligible(), m.dense(), m.rank(), m.paramsBefore(),
                    m.paramsAfter(), m.bytesBefore(), m.bytesAfter(), m.totalEnergy(), m.retainedEnergy(), m.relError(),
                    LowRankLabel.fromId(m.label() == null ? "" : m.label())));
        }
        PlanTotals totals = PlanTotals.of(matrices, f.budget().allowanceParams());
        TotalsEntry tt = f.totals();
        if (tt.paramsBefore() != totals.paramsBefore() || tt.paramsAfter() != totals.paramsAfter()
                || tt.eligibleParamsAfter() != totals.eligibleParamsAfter()) {
            throw new IllegalArgumentException("totals disagree with the matrices (was the file edited?)");
        }
        return new Plan(f.source(), strategy, budget, scope, constraints, Instant.parse(f.created()), f.tool(),
                matrices, totals, f.notes(), dataAware(f.dataAware()));
    }

    private static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return value;
    }

    private static DType dtype(String name) {
        return DType.parse(name).orElseThrow(() -> new IllegalArgumentException("unknown dtype '" + name + "'"));
    }
}
