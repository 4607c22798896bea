package dev.rankscope.analysis.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLaw;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMetrics;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads and writes the {@code rankscope-analysis} JSON (version 1) that other tools read.
 * Shape, exactly:
 * <pre>
 * {"format":"rankscope-analysis","version":1,
 *  "source":{"path","format","header_sha256","tensor_count","matrix_count"},
 *  "engine":{"backend","library","core","threads","note"},
 *  "created":"2026-01-01T00:00:00Z",
 *  "matrices":[{"name","tensor","transposed","layer","module","shape":[m,n],"dtype","method","precision","approximate",
 *    "sigma":[all, descending],"effective_rank","energy_effective_rank","stable_rank",
 *    "numerical_rank","rank_at_energy":{"0.9","0.95","0.99"},"spectral_entropy",
 *    "alpha","alpha_weighted","xmin","ks_distance","sigma_alpha","num_pl_spikes","log_alpha_norm","verdict",
 *    "mp":{"method","degenerate","q","s","scale","bulk_min_mean1","bulk_max_mean1","bulk_min_lambda",
 *          "bulk_max_lambda","tw","num_spikes","softrank","quick"},
 *    "spectral_norm","frobenius_norm","nuclear_norm","condition_number","log_norm",
 *    "log_spectral_norm","warnings":[...]}],
 *  "failures":[...]}
 * </pre>
 * Conventions: NaN and ±∞ are written as {@code null} (condition number ∞, log norms −∞ of a
 * zero matrix, undefined entropy); {@code layer} is null outside the blocks; the power-law
 * fields are null when there is no fit (also below {@code min_evals}, SPEC §2) and {@code mp} is
 * null when there is no MP estimate; {@code verdict} is "over-trained", "under-trained" or "";
 * {@code mp.method} is {@code ww} (WeightWatcher's fit), {@code grid} (SPEC-literal grid) or
 * {@code quick}; {@code mp.degenerate} flags a WeightWatcher fit whose every grid candidate was
 * rejected; {@code bulk_*_mean1} are on the axis rescaled to mean eigenvalue 1, {@code bulk_*_lambda}
 * on the λ = σ² axis (WeightWatcher's {@code bulk_min}/{@code bulk_max}), {@code scale} is
 * WeightWatcher's {@code W_scale} (λ_mean1 = scale²·λ). Files written before these fields
 * existed read with {@code bulk_min}/{@code bulk_max} as the mean-1 values and method {@code grid};
 * {@code dtype} is the safetensors/ggml name, {@code method} {@link SvdMethod#id()},
 * {@code precision} {@link Precision#id()}. Doubles are written with full (round-trip)
 * precision. {@code tensor} is the stored tensor a matrix is read from and {@code transposed}
 * whether it is stored (in, out) (GPT-2 Conv1D); a name with {@code #q}/{@code #k}/{@code #v}/
 * {@code #headN} is a sub-matrix of that tensor (SPEC §7). Files without these two fields
 * (written before they existed) read as tensor = name without its slice/part suffix, not transposed.
 * Sub-matrices also carry {@code "part"}: {@code q}/{@code k}/{@code v} (fused QKV split),
 * {@code headN} or {@code q#headN} (per-head views, {@code analyze --per-head}).
 * A conv kernel analysed as a pooled ESD (SPEC §7) also has {@code "conv":"pooled"} and
 * {@code "conv_slices":K}; its shape is one out × in slice and sigma holds K·min(out, in) values.
 * Conv kernels without these fields were reshaped to (out, in·kh·kw).
 *
 * <p>Reading restores every field; what the file does not store is rebuilt: the power-law fit's
 * σ_α, tail count, log α-norm and verdict from σ, α and xmin ({@link PowerLaw#describe}); null
 * numbers as +∞ (condition number), −∞ (log norms) or NaN (others); the spectrum's wall time
 * as 0. A file of another format or version is refused with {@link AnalysisFormatException}.
 * Stateless and thread-safe.
 */
public final class AnalysisJson {

    /** Value of {@code "format"}. */
    public static final String FORMAT = "rankscope-analysis";
    /** Value of {@code "version"} written and the only one read. */
    public static final int VERSION = 1;

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    private AnalysisJson() {
    }

    /**
     * Writes {@code analysis} to {@code file} (UTF-8, pretty-printed) atomically, refusing to
     * replace the analysed checkpoint itself ({@link ReportFiles#protecting}).
     *
     * @throws dev.rankscope.engine.io.CheckpointWriteException when the file cannot be written
     */
    public static void write(CheckpointAnalysis analysis, Path file) {
        write(analysis, file, ReportFiles.protecting(analysis));
    }

    /** Writes {@code analysis} to {@code file} through {@code files} (atomic, protected inputs refused). */
    public static void write(CheckpointAnalysis analysis, Path file, AtomicFileWriter files) {
        files.write(file, channel -> {
            OutputStream out = Channels.newOutputStream(channel);
            JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            write(analysis, g);
            g.close();
            out.flush();
        });
    }

    /** Writes {@code analysis} to {@code writer}, which is flushed but not closed. */
    public static void write(CheckpointAnalysis analysis, Writer writer) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(writer);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        write(analysis, g);
        g.close();
    }

    /** The JSON text of {@code analysis}. */
    public static String toJson(CheckpointAnalysis analysis) {
        java.io.StringWriter w = new java.io.StringWriter();
        try {
            write(analysis, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void write(CheckpointAnalysis a, JsonGenerator g) throws IOException {
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("format", FORMAT);
        g.writeNumberField("version", VERSION);

        SourceInfo s = a.source();
        g.writeObjectFieldStart("source");
        g.writeStringField("path", s.path());
        g.writeStringField("format", s.format());
        g.writeStringField("header_sha256", s.headerSha256());
        g.writeNumberField("tensor_count", s.tensorCount());
        g.writeNumberField("matrix_count", s.matrixCount());
        g.writeEndObject();

        EngineInfo e = a.engine();
        g.writeObjectFieldStart("engine");
        g.writeStringField("backend", e.backend());
        g.writeStringField("library", e.library());
        g.writeStringField("core", e.coreType());
        g.writeNumberField("threads", e.threads());
        g.writeStringField("note", e.note());
        g.writeEndObject();

        g.writeStringField("created", a.created().toString());
        g.writeArrayFieldStart("matrices");
        for (MatrixAnalysis m : a.matrices()) {
            writeMatrix(m, g);
        }
        g.writeEndArray();
        g.writeArrayFieldStart("failures");
        for (String f : a.failures()) {
            g.writeString(f);
        }
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
    }

    private static void writeMatrix(MatrixAnalysis m, JsonGenerator g) throws IOException {
        Spectrum sp = m.spectrum();
        RankMetrics r = m.ranks();
        g.writeStartObject();
        g.writeStringField("name", m.name().id());
        g.writeStringField("tensor", sp.ref().tensor());
        g.writeBooleanField("transposed", sp.ref().transposed());
        int hash = m.name().id().indexOf(NameParser.PART);
        if (hash >= 0) {
            g.writeStringField("part", m.name().id().substring(hash + 1));   // q, k, v, head3, q#head1
        }
        if (sp.ref().isPooled()) {
            g.writeStringField("conv", "pooled");
            g.writeNumberField("conv_slices", sp.ref().selection().poolSlices());
        }
        if (m.name().hasLayer()) {
            g.writeNumberField("layer", m.name().layer());
        } else {
            g.writeNullField("layer");
        }
        g.writeStringField("module", m.name().module().label());
        g.writeArrayFieldStart("shape");
        g.writeNumber(m.rows());
        g.writeNumber(m.cols());
        g.writeEndArray();
        g.writeStringField("dtype", m.dtype().name());
        g.writeStringField("method", sp.method().id());
        g.writeStringField("precision", sp.precision().id());
        g.writeBooleanField("approximate", sp.approximate());
        g.writeArrayFieldStart("sigma");
        for (double v : sp.sigma()) {
            number(g, v);
        }
        g.writeEndArray();
        number(g, "effective_rank", r.effectiveRank());
        number(g, "energy_effective_rank", r.energyEffectiveRank());
        number(g, "stable_rank", r.stableRank());
        g.writeNumberField("numerical_rank", r.numericalRank());
        g.writeObjectFieldStart("rank_at_energy");
        g.writeNumberField("0.9", r.rankAt90());
        g.writeNumberField("0.95", r.rankAt95());
        g.writeNumberField("0.99", r.rankAt99());
        g.writeEndObject();
        number(g, "spectral_entropy", r.spectralEntropy());
        PowerLawFit pl = m.powerLaw();
        number(g, "alpha", pl == null ? Double.NaN : pl.alpha());
        number(g, "alpha_weighted", pl == null ? Double.NaN : pl.alphaWeighted());
        number(g, "xmin", pl == null ? Double.NaN : pl.xmin());
        number(g, "ks_distance", pl == null ? Double.NaN : pl.ksDistance());
        number(g, "sigma_alpha", pl == null ? Double.NaN : pl.sigmaAlpha());
        if (pl == null) {
            g.writeNullField("num_pl_spikes");
            g.writeNullField("log_alpha_norm");
            g.writeNullField("verdict");
        } else {
            g.writeNumberField("num_pl_spikes", pl.numTail());
            number(g, "log_alpha_norm", pl.logAlphaNorm());
            g.writeStringField("verdict", pl.verdict());
        }
        MarchenkoPasturFit mp = m.mp();
        if (mp == null) {
            g.writeNullField("mp");
        } else {
            g.writeObjectFieldStart("mp");
            g.writeStringField("method", mp.method().label());
            g.writeBooleanField("degenerate", mp.degenerate());
            number(g, "q", mp.q());
            number(g, "s", mp.sigma());
            number(g, "scale", mp.scale());
            number(g, "bulk_min_mean1", mp.bulkMin());
            number(g, "bulk_max_mean1", mp.bulkMax());
            number(g, "bulk_min_lambda", mp.bulkMinEigenvalue());
            number(g, "bulk_max_lambda", mp.bulkMaxEigenvalue());
            number(g, "tw", mp.tracyWidom());
            g.writeNumberField("num_spikes", mp.numSpikes());
            number(g, "softrank", mp.softRank());
            g.writeBooleanField("quick", mp.quick());
            g.writeEndObject();
        }
        number(g, "spectral_norm", r.spectralNorm());
        number(g, "frobenius_norm", r.frobeniusNorm());
        number(g, "nuclear_norm", r.nuclearNorm());
        number(g, "condition_number", r.conditionNumber());
        number(g, "log_norm", r.logNorm());
        number(g, "log_spectral_norm", r.logSpectralNorm());
        g.writeArrayFieldStart("warnings");
        for (String w : m.warnings()) {
            g.writeString(w);
        }
        g.writeEndArray();
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        g.writeFieldName(field);
        number(g, v);
    }

    private static void number(JsonGenerator g, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumber(v);
        } else {
            g.writeNull();
        }
    }

    /**
     * Reads an analysis file.
     *
     * @throws AnalysisFormatException when it is not a version-1 {@code rankscope-analysis} file
     *                                 or a field is missing or malformed
     * @throws IOException             when the file cannot be read
     */
    public static CheckpointAnalysis read(Path file) throws IOException {
        String label = String.valueOf(file.getFileName());
        try (Reader r = Files.newBufferedReader(file)) {
            return read(r, label);
        }
    }

    /**
     * Reads an analysis from {@code reader} (not closed); {@code label} names the source in messages.
     */
    public static CheckpointAnalysis read(Reader reader, String label) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(reader);
        } catch (JsonProcessingException e) {
            throw new AnalysisFormatException(label, "not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        return new Parser(label).checkpoint(root);
    }

    /** Field-by-field reader; every problem names the file and the JSON path. */
    private static final class Parser {
        private final String label;

        Parser(String label) {
            this.label = label;
        }

        CheckpointAnalysis checkpoint(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw fail("", "is not a JSON object");
            }
            JsonNode format = root.get("format");
            if (format == null || !format.isTextual() || !format.asText().equals(FORMAT)) {
                throw new AnalysisFormatException(label, "not a Rankscope analysis file (format "
                        + (format == null ? "missing" : format.toString()) + ", expected \"" + FORMAT + "\")");
            }
            JsonNode version = root.get("version");
            if (version == null || !version.isInt() || version.asInt() != VERSION) {
                throw new AnalysisFormatException(label, "analysis version "
                        + (version == null ? "missing" : version.toString())
                        + " is not supported (this Rankscope reads version " + VERSION + ")");
            }
            JsonNode s = object(root, "source");
            SourceInfo source = new SourceInfo(text(s, "path", "source"), text(s, "format", "source"),
                    optText(s, "header_sha256"), integer(s, "tensor_count", "source"),
                    integer(s, "matrix_count", "source"));
            JsonNode e = object(root, "engine");
            EngineInfo engine = new EngineInfo(text(e, "backend", "engine"), text(e, "library", "engine"),
                    text(e, "core", "engine"), integer(e, "threads", "engine"), optText(e, "note"));
            Instant created;
            try {
                created = Instant.parse(text(root, "created", ""));
            } catch (DateTimeParseException ex) {
                throw fail("created", "is not an ISO-8601 instant");
            }
            List<MatrixAnalysis> matrices = new ArrayList<>();
            JsonNode ms = array(root, "matrices", "");
            for (int i = 0; i < ms.size(); i++) {
                matrices.add(matrix(ms.get(i), "matrices[" + i + "]"));
            }
            List<String> failures = new ArrayList<>();
            JsonNode fs = array(root, "failures", "");
            for (JsonNode f : fs) {
                failures.add(f.asText());
            }
            return new CheckpointAnalysis(source, engine, matrices, created, failures);
        }

        MatrixAnalysis matrix(JsonNode m, String where) {
            if (!m.isObject()) {
                throw fail(where, "is not an object");
            }
            String id = text(m, "name", where);
            JsonNode layerNode = m.get("layer");
            int layer = layerNode == null || layerNode.isNull() ? -1 : integer(m, "layer", where);
            ModuleType module = ModuleType.fromLabel(text(m, "module", where));
            MatrixName name = new MatrixName(id, layer, module, NameParser.moduleName(id));
            JsonNode shape = array(m, "shape", where);
            if (shape.size() != 2 || !shape.get(0).isInt() || !shape.get(1).isInt()) {
                throw fail(where + ".shape", "is not [rows, cols]");
            }
            int rows = shape.get(0).asInt();
            int cols = shape.get(1).asInt();
            String dtypeName = text(m, "dtype", where);
            DType dtype = DType.parse(dtypeName).orElseThrow(() -> fail(where + ".dtype", "unknown dtype " + dtypeName));
            SvdMethod method = method(text(m, "method", where), where);
            Precision precision = precision(text(m, "precision", where), where);
            boolean approximate = bool(m, "approximate", where);
            JsonNode sig = array(m, "sigma", where);
            double[] sigma = new double[sig.size()];
            for (int i = 0; i < sigma.length; i++) {
                if (!sig.get(i).isNumber()) {
                    throw fail(where + ".sigma[" + i + "]", "is not a number");
                }
                sigma[i] = sig.get(i).asDouble();
            }
            String whole = NameParser.wholeId(id);
            String tensor = m.hasNonNull("tensor") ? m.get("tensor").asText()
                    : whole.contains("[") && whole.endsWith("]") ? whole.substring(0, whole.lastIndexOf('[')) : whole;
            boolean transposed = m.hasNonNull("transposed") && m.get("transposed").asBoolean();
            MatrixRef ref = "pooled".equals(m.path("conv").asText()) && m.path("conv_slices").asInt() >= 2
                    ? MatrixRef.pooledConv(tensor, rows, cols, m.path("conv_slices").asInt())
                    : new MatrixRef(id, tensor, NameParser.sliceIndex(whole), rows, cols, transposed);
            Spectrum spectrum = new Spectrum(ref, sigma, method, precision, approximate, 0);

            JsonNode energy = object(m, "rank_at_energy");
            boolean zero = true;
            for (double v : sigma) {
                zero &= v == 0;
            }
            RankMetrics ranks = new RankMetrics(num(m, "effective_rank", Double.NaN),
                    num(m, "energy_effective_rank", Double.NaN), num(m, "stable_rank", Double.NaN),
                    integer(m, "numerical_rank", where), integer(energy, "0.9", where + ".rank_at_energy"),
                    integer(energy, "0.95", where + ".rank_at_energy"), integer(energy, "0.99", where + ".rank_at_energy"),
                    num(m, "spectral_entropy", Double.NaN), num(m, "nuclear_norm", Double.NaN),
                    num(m, "frobenius_norm", Double.NaN), num(m, "spectral_norm", Double.NaN),
                    num(m, "condition_number", Double.POSITIVE_INFINITY),
                    num(m, "log_norm", Double.NEGATIVE_INFINITY), num(m, "log_spectral_norm", Double.NEGATIVE_INFINITY),
                    zero);

            PowerLawFit powerLaw = null;
            double alpha = num(m, "alpha", Double.NaN);
            if (!Double.isNaN(alpha)) {
                powerLaw = PowerLaw.describe(sigma, alpha, num(m, "xmin", Double.NaN), num(m, "ks_distance", Double.NaN));
            }
            MarchenkoPasturFit mp = null;
            JsonNode mpNode = m.get("mp");
            if (mpNode != null && !mpNode.isNull()) {
                String w = where + ".mp";
                if (!mpNode.isObject()) {
                    throw fail(w, "is not an object");
                }
                // files written before "method" existed came from the SPEC-literal grid fit
                MarchenkoPasturFit.Method fitMethod = mpNode.hasNonNull("method")
                        ? MarchenkoPasturFit.Method.ofLabel(mpNode.get("method").asText())
                        : bool(mpNode, "quick", w) ? MarchenkoPasturFit.Method.QUICK : MarchenkoPasturFit.Method.GRID;
                if (fitMethod == null) {
                    throw fail(w + ".method", "unknown MP method " + mpNode.get("method"));
                }
                boolean degenerate = mpNode.hasNonNull("degenerate") && bool(mpNode, "degenerate", w);
                String mean1 = mpNode.has("bulk_max_mean1") ? "_mean1" : "";   // "bulk_min"/"bulk_max" before
                mp = new MarchenkoPasturFit(fitMethod, num(mpNode, "q", Double.NaN), num(mpNode, "s", Double.NaN),
                        num(mpNode, "bulk_min" + mean1, Double.NaN), num(mpNode, "bulk_max" + mean1, Double.NaN),
                        num(mpNode, "tw", Double.NaN), integer(mpNode, "num_spikes", w),
                        num(mpNode, "softrank", Double.NaN), num(mpNode, "scale", Double.NaN), degenerate);
            }
            List<String> warnings = new ArrayList<>();
            for (JsonNode w : array(m, "warnings", where)) {
                warnings.add(w.asText());
            }
            return new MatrixAnalysis(name, dtype, spectrum, ranks, powerLaw, mp, warnings);
        }

        private SvdMethod method(String id, String where) {
            for (SvdMethod s : SvdMethod.values()) {
                if (s.id().equals(id)) {
                    return s;
                }
            }
            throw fail(where + ".method", "unknown method \"" + id + "\"");
        }

        private Precision precision(String id, String where) {
            for (Precision p : Precision.values()) {
                if (p.id().equals(id.toLowerCase(Locale.ROOT))) {
                    return p;
                }
            }
            throw fail(where + ".precision", "unknown precision \"" + id + "\"");
        }

        private JsonNode object(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            if (n == null || !n.isObject()) {
                throw fail(field, "is missing or not an object");
            }
            return n;
        }

        private JsonNode array(JsonNode parent, String field, String where) {
            JsonNode n = parent.get(field);
            if (n == null || !n.isArray()) {
                throw fail(join(where, field), "is missing or not an array");
            }
            return n;
        }

        private String text(JsonNode parent, String field, String where) {
            JsonNode n = parent.get(field);
            if (n == null || !n.isTextual()) {
                throw fail(join(where, field), "is missing or not a string");
            }
            return n.asText();
        }

        private String optText(JsonNode parent, String field) {
            JsonNode n = parent.get(field);
            return n == null || n.isNull() ? null : n.asText();
        }

        private int integer(JsonNode parent, String field, String where) {
            JsonNode n = parent.get(field);
            if (n == null || !n.canConvertToInt() || !n.isIntegralNumber()) {
                throw fail(join(where, field), "is missing or not an integer");
            }
            return n.asInt();
        }

        private boolean bool(JsonNode parent, String field, String where) {
            JsonNode n = parent.get(field);
            if (n == null || !n.isBoolean()) {
                throw fail(join(where, field), "is missing or not true/false");
            }
            return n.asBoolean();
        }

        /** A number, or {@code ifNull} for null / absent (how non-finite values are stored). */
        private double num(JsonNode parent, String field, double ifNull) {
            JsonNode n = parent.get(field);
            if (n == null || n.isNull()) {
                return ifNull;
            }
            if (!n.isNumber()) {
                throw fail(field, "is not a number");
            }
            return n.asDouble();
        }

        private static String join(String where, String field) {
            return where.isEmpty() ? field : where + "." + field;
        }

        private AnalysisFormatException fail(String where, String problem) {
            return new AnalysisFormatException(label, (where.isEmpty() ? "document" : "\"" + where + "\"") + " " + problem);
        }
    }
}
