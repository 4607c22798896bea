package dev.rankscope.analysis.intruders;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Writes an {@link IntruderReport} at given (k, ε) as JSON or CSV (intruder dimensions, SPEC §3).
 *
 * <p>JSON, fields in this order:
 * <pre>{"format": "rankscope-intruders", "version": 1, "k", "epsilon",
 *  "matrices": [{"name", "layer", "module", "shape": [m, n], "intruders", "max_cosine": [c_1..c_k],
 *                "intruder_sigma": [...], "intruder_ranks": [...], "delta_effective_rank",
 *                "delta_stable_rank", "spectral_distance", "identical"}],
 *  "total", "layers": [{"layer", "intruders"}], "base", "tuned",
 *  "mismatches": [{"name", "base_shape", "tuned_shape"}], "only_in_base", "only_in_tuned",
 *  "failures": [{"name", "message"}]}</pre>
 * {@code layer} is null for matrices outside the transformer blocks; {@code max_cosine} has
 * min(k, p) entries; {@code intruder_ranks} are 1-based; non-finite numbers (a spectral distance
 * from an all-zero base) are written as null.
 *
 * <p>CSV: one row per matrix with the same per-matrix columns; lists are joined with {@code ;}.
 * Pure functions of their inputs; thread-safe.
 */
public final class IntruderExport {
    /** Value of the JSON {@code format} field. */
    public static final String FORMAT = "rankscope-intruders";
    /** Value of the JSON {@code version} field. */
    public static final int VERSION = 1;

    private IntruderExport() {
    }

    /** The report as pretty-printed JSON text. */
    public static String toJson(IntruderReport report, IntruderParameters params) {
        StringWriter w = new StringWriter();
        writeJson(report, params, w);
        return w.toString();
    }

    /** Writes JSON to {@code file} (UTF-8, replaced if present) atomically through {@link dev.rankscope.engine.io.AtomicFileWriter}. */
    public static void writeJson(IntruderReport report, IntruderParameters params, Path file) throws IOException {
        dev.rankscope.engine.io.AtomicFileWriter.unprotected().writeBytes(file,
                toJson(report, params).getBytes(StandardCharsets.UTF_8));
    }

    /** Writes JSON to {@code out}; does not close it. */
    public static void writeJson(IntruderReport report, IntruderParameters params, Writer out) {
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeNumberField("k", params.k());
            g.writeNumberField("epsilon", params.epsilon());
            g.writeArrayFieldStart("matrices");
            for (IntruderMatrixResult r : report.matrices()) {
                IntruderMatrixResult.Intruders in = r.intruders(params);
                g.writeStartObject();
                g.writeStringField("name", r.name().id());
                if (r.name().hasLayer()) {
                    g.writeNumberField("layer", r.name().layer());
                } else {
                    g.writeNullField("layer");
                }
                g.writeStringField("module", r.name().module().label());
                g.writeArrayFieldStart("shape");
                g.writeNumber(r.rows());
                g.writeNumber(r.cols());
                g.writeEndArray();
                g.writeNumberField("intruders", in.count());
                numbers(g, "max_cosine", r.maxCosine(params.k()));
                numbers(g, "intruder_sigma", in.sigma());
                g.writeArrayFieldStart("intruder_ranks");
                for (int rank : in.ranks()) {
                    g.writeNumber(rank);
                }
                g.writeEndArray();
                number(g, "delta_effective_rank", r.deltaEffectiveRank());
                number(g, "delta_stable_rank", r.deltaStableRank());
                number(g, "spectral_distance", r.spectralDistance());
                g.writeBooleanField("identical", r.identical());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("total", report.total(params));
            g.writeArrayFieldStart("layers");
            for (Map.Entry<Integer, Integer> e : report.perLayer(params).entrySet()) {
                g.writeStartObject();
                if (e.getKey() >= 0) {
                    g.writeNumberField("layer", e.getKey());
                } else {
                    g.writeNullField("layer");
                }
                g.writeNumberField("intruders", e.getValue());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("base", report.base());
            g.writeStringField("tuned", report.tuned());
            g.writeArrayFieldStart("mismatches");
            for (Pairing.ShapeMismatch m : report.pairing().mismatches()) {
                g.writeStartObject();
                g.writeStringField("name", m.name());
                g.writeStringField("base_shape", m.baseShape());
                g.writeStringField("tuned_shape", m.tunedShape());
                g.writeEndObject();
            }
            g.writeEndArray();
            strings(g, "only_in_base", report.pairing().onlyInBase());
            strings(g, "only_in_tuned", report.pairing().onlyInTuned());
            g.writeArrayFieldStart("failures");
            for (IntruderReport.MatrixFailure f : report.failures()) {
                g.writeStartObject();
                g.writeStringField("name", f.name());
                g.writeStringField("message", f.message());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Column names of the CSV export. */
    public static final String CSV_HEADER = "name,layer,module,rows,cols,intruders,intruder_ranks,intruder_sigma,"
            + "max_cosine,delta_effective_rank,delta_stable_rank,spectral_distance,identical";

    /** The report as CSV text (header + one row per matrix, {@code \n} line ends). */
    public static String toCsv(IntruderReport report, IntruderParameters params) {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (IntruderMatrixResult r : report.matrices()) {
            IntruderMatrixResult.Intruders in = r.intruders(params);
            sb.append(csvField(r.name().id())).append(',')
                    .append(r.name().hasLayer() ? Integer.toString(r.name().layer()) : "").append(',')
                    .append(r.name().module().label()).append(',')
                    .append(r.rows()).append(',').append(r.cols()).append(',')
                    .append(in.count()).append(',')
                    .append(join(in.ranks())).append(',')
                    .append(join(in.sigma())).append(',')
                    .append(join(r.maxCosine(params.k()))).append(',')
                    .append(num(r.deltaEffectiveRank())).append(',')
                    .append(num(r.deltaStableRank())).append(',')
                    .append(num(r.spectralDistance())).append(',')
                    .append(r.identical()).append('\n');
        }
        return sb.toString();
    }

    /** Writes CSV to {@code file} (UTF-8). */
    public static void writeCsv(IntruderReport report, IntruderParameters params, Path file) throws IOException {
        dev.rankscope.engine.io.AtomicFileWriter.unprotected().writeBytes(file,
                toCsv(report, params).getBytes(StandardCharsets.UTF_8));
    }

    private static void numbers(JsonGenerator g, String field, double[] values) throws IOException {
        g.writeArrayFieldStart(field);
        for (double v : values) {
            if (Double.isFinite(v)) {
                g.writeNumber(v);
            } else {
                g.writeNull();
            }
        }
        g.writeEndArray();
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(field, v);
        } else {
            g.writeNullField(field);
        }
    }

    private static void strings(JsonGenerator g, String field, Iterable<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String s : values) {
            g.writeString(s);
        }
        g.writeEndArray();
    }

    private static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    private static String join(int[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ";").append(values[i]);
        }
        return sb.toString();
    }

    private static String join(double[] values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            sb.append(i == 0 ? "" : ";").append(num(values[i]));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.10g", v) : "";
    }
}
