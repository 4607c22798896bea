package dev.rankscope.analysis.report;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.json.Json;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLaw;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.WeightWatcherScale;
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
import java.io.StringWriter;
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
import java.util.stream.Collectors;

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
 * Mapped with Jackson databind on {@link AnalysisDocument}'s records through the shared
 * {@link Json} mapper (its one rule writes NaN/±∞ as {@code null}). Stateless and thread-safe.
 */
public final class AnalysisJson {

    /** Value of {@code "format"}. */
    public static final String FORMAT = "rankscope-analysis";
    /** Value of {@code "version"} written and the only one read. */
    public static final int VERSION = 1;

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
            write(analysis, Json.mapper().getFactory().createGenerator(out, JsonEncoding.UTF8));
            out.flush();
        });
    }

    /** Writes {@code analysis} to {@code writer}, which is flushed but not closed. */
    public static void write(CheckpointAnalysis analysis, Writer writer) throws IOException {
        write(analysis, Json.mapper().getFactory().createGenerator(writer));
    }

    /** The JSON text of {@code analysis}. */
    public static String toJson(CheckpointAnalysis analysis) {
        StringWriter w = new StringWriter();
        try {
            write(analysis, w);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    private static void write(CheckpointAnalysis a, JsonGenerator g) throws IOException {
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        Json.mapper().writeValue(g, document(a));
        g.close();
    }

    private static AnalysisDocument document(CheckpointAnalysis a) {
        SourceInfo s = a.source();
        EngineInfo e = a.engine();
        return new AnalysisDocument(FORMAT, VERSION,
                new AnalysisDocument.Source(s.path(), s.format(), s.headerSha256(), s.tensorCount(), s.matrixCount()),
                new AnalysisDocument.Engine(e.backend(), e.library(), e.coreType(), e.threads(), e.note()),
                a.created().toString(), a.matrices().stream().map(AnalysisJson::matrix).toList(), a.failures());
    }

    private static AnalysisDocument.Matrix matrix(MatrixAnalysis m) {
        Spectrum sp = m.spectrum();
        RankMetrics r = m.ranks();
        PowerLawFit pl = m.powerLaw();
        int hash = m.name().id().indexOf(NameParser.PART);
        boolean pooled = sp.ref().isPooled();
        return new AnalysisDocument.Matrix(m.name().id(), sp.ref().tensor(), sp.ref().transposed(),
                hash >= 0 ? m.name().id().substring(hash + 1) : null,     // q, k, v, head3, q#head1
                pooled ? "pooled" : null, pooled ? sp.ref().selection().poolSlices() : null,
                m.name().hasLayer() ? m.name().layer() : null, m.name().module().label(),
                new int[]{m.rows(), m.cols()}, m.dtype().name(), sp.method().id(), sp.precision().id(),
                sp.approximate(), sp.sigma(),
                r.effectiveRank(), r.energyEffectiveRank(), r.stableRank(), r.numericalRank(),
                new AnalysisDocument.RankAtEnergy(r.rankAt90(), r.rankAt95(), r.rankAt99()), r.spectralEntropy(),
                pl == null ? null : pl.alpha(), pl == null ? null : pl.alphaWeighted(),
                pl == null ? null : pl.xmin(), pl == null ? null : pl.ksDistance(),
                pl == null ? null : pl.sigmaAlpha(), pl == null ? null : pl.numTail(),
                pl == null ? null : pl.logAlphaNorm(), pl == null ? null : pl.verdict(),
                mp(m.mp()),
                r.spectralNorm(), r.frobeniusNorm(), r.nuclearNorm(), r.conditionNumber(), r.logNorm(),
                r.logSpectralNorm(), m.warnings());
    }

    private static AnalysisDocument.Mp mp(MarchenkoPasturFit mp) {
        return mp == null ? null : new AnalysisDocument.Mp(mp.method().label(), mp.degenerate(), mp.q(), mp.sigma(),
                mp.scale(), mp.bulkMin(), mp.bulkMax(), mp.bulkMinEigenvalue(), mp.bulkMaxEigenvalue(),
                mp.tracyWidom(), mp.numSpikes(), mp.softRank(), mp.quick(), null, null);
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
            root = Json.mapper().readTree(reader);
        } catch (JsonProcessingException e) {
            throw new AnalysisFormatException(label, "not valid JSON (" + e.getOriginalMessage() + ")", e);
        }
        Parser parser = new Parser(label);
        parser.checkFormat(root);
        AnalysisDocument doc;
        try {
            doc = Json.mapper().treeToValue(root, AnalysisDocument.class);
        } catch (JsonMappingException e) {
            throw parser.fail(path(e), "has the wrong type (" + e.getOriginalMessage() + ")");
        }
        return parser.checkpoint(doc);
    }

    /** The JSON path of a mapping error, as {@code matrices[0].shape}. */
    private static String path(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining()).replaceFirst("^\\.", "");
    }

    /** Checks and converts the document; every problem names the file and the JSON path. */
    private static final class Parser {
        private final String label;

        Parser(String label) {
            this.label = label;
        }

        void checkFormat(JsonNode root) {
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
        }

        CheckpointAnalysis checkpoint(AnalysisDocument d) {
            AnalysisDocument.Source s = required(d.source(), "source");
            SourceInfo source = new SourceInfo(required(s.path(), "source.path"), required(s.format(), "source.format"),
                    s.headerSha256(), required(s.tensorCount(), "source.tensor_count"),
                    required(s.matrixCount(), "source.matrix_count"));
            AnalysisDocument.Engine e = required(d.engine(), "engine");
            EngineInfo engine = new EngineInfo(required(e.backend(), "engine.backend"),
                    required(e.library(), "engine.library"), required(e.core(), "engine.core"),
                    required(e.threads(), "engine.threads"), e.note());
            Instant created;
            try {
                created = Instant.parse(required(d.created(), "created"));
            } catch (DateTimeParseException ex) {
                throw fail("created", "is not an ISO-8601 instant");
            }
            List<MatrixAnalysis> matrices = new ArrayList<>();
            List<AnalysisDocument.Matrix> ms = required(d.matrices(), "matrices");
            for (int i = 0; i < ms.size(); i++) {
                matrices.add(matrix(required(ms.get(i), "matrices[" + i + "]"), "matrices[" + i + "]"));
            }
            return new CheckpointAnalysis(source, engine, matrices, created, required(d.failures(), "failures"));
        }

        MatrixAnalysis matrix(AnalysisDocument.Matrix m, String where) {
            String id = required(m.name(), where + ".name");
            int layer = m.layer() == null ? -1 : m.layer();
            ModuleType module = ModuleType.fromLabel(required(m.module(), where + ".module"));
            MatrixName name = new MatrixName(id, layer, module, NameParser.moduleName(id));
            int[] shape = required(m.shape(), where + ".shape");
            if (shape.length != 2) {
                throw fail(where + ".shape", "is not [rows, cols]");
            }
            String dtypeName = required(m.dtype(), where + ".dtype");
            DType dtype = DType.parse(dtypeName).orElseThrow(() -> fail(where + ".dtype", "unknown dtype " + dtypeName));
            SvdMethod method = method(required(m.method(), where + ".method"), where);
            Precision precision = precision(required(m.precision(), where + ".precision"), where);
            boolean approximate = required(m.approximate(), where + ".approximate");
            double[] sigma = required(m.sigma(), where + ".sigma");
            String whole = NameParser.wholeId(id);
            String tensor = m.tensor() != null ? m.tensor()
                    : whole.contains("[") && whole.endsWith("]") ? whole.substring(0, whole.lastIndexOf('[')) : whole;
            boolean transposed = Boolean.TRUE.equals(m.transposed());
            MatrixRef ref = "pooled".equals(m.conv()) && m.convSlices() != null && m.convSlices() >= 2
                    ? MatrixRef.pooledConv(tensor, shape[0], shape[1], m.convSlices())
                    : new MatrixRef(id, tensor, NameParser.sliceIndex(whole), shape[0], shape[1], transposed);
            Spectrum spectrum = new Spectrum(ref, sigma, method, precision, approximate, 0);

            AnalysisDocument.RankAtEnergy energy = required(m.rankAtEnergy(), where + ".rank_at_energy");
            boolean zero = true;
            for (double v : sigma) {
                zero &= v == 0;
            }
            RankMetrics ranks = new RankMetrics(num(m.effectiveRank(), Double.NaN),
                    num(m.energyEffectiveRank(), Double.NaN), num(m.stableRank(), Double.NaN),
                    required(m.numericalRank(), where + ".numerical_rank"),
                    required(energy.at90(), where + ".rank_at_energy.0.9"),
                    required(energy.at95(), where + ".rank_at_energy.0.95"),
                    required(energy.at99(), where + ".rank_at_energy.0.99"),
                    num(m.spectralEntropy(), Double.NaN), num(m.nuclearNorm(), Double.NaN),
                    num(m.frobeniusNorm(), Double.NaN), num(m.spectralNorm(), Double.NaN),
                    num(m.conditionNumber(), Double.POSITIVE_INFINITY),
                    num(m.logNorm(), Double.NEGATIVE_INFINITY), num(m.logSpectralNorm(), Double.NEGATIVE_INFINITY),
                    zero);
            PowerLawFit powerLaw = m.alpha() == null ? null
                    : PowerLaw.describe(WeightWatcherScale.sigma(spectrum.ref(), sigma), m.alpha(), num(m.xmin(), Double.NaN), num(m.ksDistance(), Double.NaN));
            return new MatrixAnalysis(name, dtype, spectrum, ranks, powerLaw, mp(m.mp(), where + ".mp"),
                    m.warnings() == null ? List.of() : m.warnings());
        }

        private MarchenkoPasturFit mp(AnalysisDocument.Mp mp, String where) {
            if (mp == null) {
                return null;
            }
            // files written before "method" existed came from the SPEC-literal grid fit
            MarchenkoPasturFit.Method method = mp.method() != null ? MarchenkoPasturFit.Method.ofLabel(mp.method())
                    : required(mp.quick(), where + ".quick") ? MarchenkoPasturFit.Method.QUICK
                    : MarchenkoPasturFit.Method.GRID;
            if (method == null) {
                throw fail(where + ".method", "unknown MP method \"" + mp.method() + "\"");
            }
            boolean named = mp.bulkMaxMean1() != null || mp.bulkMinMean1() != null;
            return new MarchenkoPasturFit(method, num(mp.q(), Double.NaN), num(mp.s(), Double.NaN),
                    num(named ? mp.bulkMinMean1() : mp.legacyBulkMin(), Double.NaN),
                    num(named ? mp.bulkMaxMean1() : mp.legacyBulkMax(), Double.NaN),
                    num(mp.tw(), Double.NaN), required(mp.numSpikes(), where + ".num_spikes"),
                    num(mp.softrank(), Double.NaN), num(mp.scale(), Double.NaN), Boolean.TRUE.equals(mp.degenerate()));
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

        private <T> T required(T value, String where) {
            if (value == null) {
                throw fail(where, "is missing");
            }
            return value;
        }

        /** A number, or {@code ifNull} for null / absent (how non-finite values are stored). */
        private static double num(Double value, double ifNull) {
            return value == null ? ifNull : value;
        }

        AnalysisFormatException fail(String where, String problem) {
            return new AnalysisFormatException(label, (where.isEmpty() ? "document" : "\"" + where + "\"") + " " + problem);
        }
    }
}
