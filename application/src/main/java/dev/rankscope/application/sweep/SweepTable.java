package dev.rankscope.application.sweep;

import dev.rankscope.engine.io.AtomicFileWriter;

import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The sweep's long table as columns: identity columns, the chosen metrics ({@link SweepColumns}),
 * then the update and intruder columns when the run computed them. One definition for the CSV
 * written here and the Parquet files the Spark job writes, so both have the same columns. Doubles
 * are printed with full round-trip precision, ±∞ as {@code inf}/{@code -inf}; NaN and absent values are empty cells. Immutable.
 *
 * @param metrics    the metric columns written
 * @param updates    whether the update columns are written
 * @param intruders  whether the intruder column is written
 */
public record SweepTable(List<SweepColumns.Metric> metrics, boolean updates, boolean intruders) {

    /** Kind of a column's values, for typed writers (Parquet). */
    public enum Kind { INT, LONG, DOUBLE, STRING }

    /** One column: name, kind, and its value in a row (null for an empty cell). */
    public record Column(String name, Kind kind, java.util.function.Function<SweepRow, Object> value) {
    }

    public SweepTable {
        metrics = List.copyOf(metrics);
    }

    /** Every column, in order. */
    public List<Column> columns() {
        List<Column> c = new ArrayList<>();
        c.add(new Column("checkpoint_index", Kind.INT, SweepRow::checkpointIndex));
        c.add(new Column("checkpoint", Kind.STRING, SweepRow::checkpoint));
        c.add(new Column("step", Kind.LONG, SweepRow::step));
        c.add(new Column("matrix", Kind.STRING, SweepRow::matrix));
        c.add(new Column("layer", Kind.INT, SweepRow::layer));
        c.add(new Column("module", Kind.STRING, SweepRow::module));
        c.add(new Column("rows", Kind.INT, SweepRow::rows));
        c.add(new Column("cols", Kind.INT, SweepRow::cols));
        c.add(new Column("dtype", Kind.STRING, SweepRow::dtype));
        c.add(new Column("status", Kind.STRING, r -> r.ok() ? "ok" : "failed"));
        c.add(new Column("failure", Kind.STRING, SweepRow::failure));
        for (SweepColumns.Metric m : metrics) {
            c.add(m.integer()
                    ? new Column(m.name(), Kind.INT, r -> finite(r.metric(m)) ? (Object) (int) r.metric(m) : null)
                    : new Column(m.name(), Kind.DOUBLE, r -> nonFinite(r.metric(m))));
        }
        if (updates) {
            c.add(new Column("update_base", Kind.STRING, SweepRow::updateBase));
            c.add(new Column("update_relative_norm", Kind.DOUBLE, r -> r.update() == null ? null : nonFinite(r.update().relativeNorm())));
            c.add(new Column("update_effective_rank", Kind.DOUBLE, r -> r.update() == null ? null : nonFinite(r.update().effectiveRank())));
            c.add(new Column("update_stable_rank", Kind.DOUBLE, r -> r.update() == null ? null : nonFinite(r.update().stableRank())));
            c.add(new Column("update_rank_at_energy_0.9", Kind.INT, r -> r.update() == null ? null : r.update().rankAt90()));
            c.add(new Column("update_failure", Kind.STRING, SweepRow::updateFailure));
        }
        if (intruders) {
            c.add(new Column("intruders_vs_first", Kind.INT, SweepRow::intruders));
        }
        return c;
    }

    /** The CSV text lines (header first) of {@code rows}. */
    public List<String> csvLines(List<SweepRow> rows) {
        List<Column> cols = columns();
        List<String> out = new ArrayList<>();
        out.add(String.join(",", cols.stream().map(Column::name).toList()));
        for (SweepRow r : rows) {
            List<String> cells = new ArrayList<>(cols.size());
            for (Column c : cols) {
                cells.add(cell(c.value().apply(r)));
            }
            out.add(String.join(",", cells));
        }
        return out;
    }

    /** Writes {@code rows} as CSV (UTF-8) to {@code file} atomically through {@code files}. */
    public void writeCsv(List<SweepRow> rows, Path file, AtomicFileWriter files) {
        List<String> lines = csvLines(rows);
        files.writeStream(file, (OutputStream out) -> {
            Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
            for (String line : lines) {
                w.write(line);
                w.write('\n');
            }
            w.flush();
        });
    }

    private static boolean finite(double v) {
        return Double.isFinite(v);
    }

    private static Object nonFinite(double v) {
        return Double.isNaN(v) ? null : v;
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        if (v instanceof Double d) {
            if (d.isInfinite()) {
                return d > 0 ? "inf" : "-inf";
            }
            return Double.toString(d);
        }
        String s = v.toString();
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }
}
