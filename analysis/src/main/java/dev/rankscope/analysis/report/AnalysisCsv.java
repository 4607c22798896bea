package dev.rankscope.analysis.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.RankMetrics;

import dev.rankscope.engine.io.AtomicFileWriter;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.channels.Channels;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One CSV row per matrix with the scalar fields of {@link AnalysisJson} (no σ): the JSON keys
 * as column names, {@code shape} split into {@code rows}/{@code cols}, {@code rank_at_energy}
 * into {@code rank_at_energy_0.9/0.95/0.99}, {@code mp.*} into {@code mp_*}, warnings joined with
 * {@code "; "}. RFC 4180: comma separated, CRLF line ends, fields with a comma, quote or line
 * break quoted with doubled quotes. Empty cells for NaN, ±∞ and absent fits. Doubles at full
 * (round-trip) precision. Pure functions, thread-safe.
 */
public final class AnalysisCsv {

    /** One CSV column: its header and how a matrix's cell is written. */
    record Column(String name, Function<MatrixAnalysis, String> value) {
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("name", a -> a.name().id()),
            new Column("layer", a -> a.name().hasLayer() ? Integer.toString(a.name().layer()) : ""),
            new Column("module", a -> a.name().module().label()),
            new Column("rows", a -> Integer.toString(a.rows())),
            new Column("cols", a -> Integer.toString(a.cols())),
            new Column("dtype", a -> a.dtype().name()),
            new Column("method", a -> a.spectrum().method().id()),
            new Column("precision", a -> a.spectrum().precision().id()),
            new Column("approximate", a -> Boolean.toString(a.spectrum().approximate())),
            ranks("effective_rank", RankMetrics::effectiveRank),
            ranks("energy_effective_rank", RankMetrics::energyEffectiveRank),
            ranks("stable_rank", RankMetrics::stableRank),
            new Column("numerical_rank", a -> Integer.toString(a.ranks().numericalRank())),
            new Column("rank_at_energy_0.9", a -> Integer.toString(a.ranks().rankAt90())),
            new Column("rank_at_energy_0.95", a -> Integer.toString(a.ranks().rankAt95())),
            new Column("rank_at_energy_0.99", a -> Integer.toString(a.ranks().rankAt99())),
            ranks("spectral_entropy", RankMetrics::spectralEntropy),
            powerLaw("alpha", PowerLawFit::alpha),
            powerLaw("alpha_weighted", PowerLawFit::alphaWeighted),
            powerLaw("xmin", PowerLawFit::xmin),
            powerLaw("ks_distance", PowerLawFit::ksDistance),
            powerLaw("sigma_alpha", PowerLawFit::sigmaAlpha),
            new Column("num_pl_spikes", a -> a.powerLaw() == null ? "" : Integer.toString(a.powerLaw().numTail())),
            powerLaw("log_alpha_norm", PowerLawFit::logAlphaNorm),
            new Column("verdict", a -> a.powerLaw() == null ? "" : a.powerLaw().verdict()),
            mp("mp_method", f -> f.method().label()),
            mp("mp_degenerate", f -> Boolean.toString(f.degenerate())),
            mp("mp_q", f -> number(f.q())),
            mp("mp_s", f -> number(f.sigma())),
            mp("mp_scale", f -> number(f.scale())),
            mp("mp_bulk_min_mean1", f -> number(f.bulkMin())),
            mp("mp_bulk_max_mean1", f -> number(f.bulkMax())),
            mp("mp_bulk_min_lambda", f -> number(f.bulkMinEigenvalue())),
            mp("mp_bulk_max_lambda", f -> number(f.bulkMaxEigenvalue())),
            mp("mp_tw", f -> number(f.tracyWidom())),
            mp("mp_num_spikes", f -> Integer.toString(f.numSpikes())),
            mp("mp_softrank", f -> number(f.softRank())),
            ranks("spectral_norm", RankMetrics::spectralNorm),
            ranks("frobenius_norm", RankMetrics::frobeniusNorm),
            ranks("nuclear_norm", RankMetrics::nuclearNorm),
            ranks("condition_number", RankMetrics::conditionNumber),
            ranks("log_norm", RankMetrics::logNorm),
            ranks("log_spectral_norm", RankMetrics::logSpectralNorm),
            new Column("warnings", a -> String.join("; ", a.warnings())));

    private AnalysisCsv() {
    }

    /** The column names, in order. */
    public static List<String> header() {
        return COLUMNS.stream().map(Column::name).toList();
    }

    /** Header line and one line per matrix (without line ends). */
    public static List<String> lines(List<MatrixAnalysis> matrices) {
        return lines(COLUMNS, matrices);
    }

    /** Header line and one line per matrix of {@code columns} (RFC 4180 quoting, no line ends). */
    static List<String> lines(List<Column> columns, List<MatrixAnalysis> matrices) {
        List<String> out = new ArrayList<>(matrices.size() + 1);
        out.add(String.join(",", columns.stream().map(c -> quote(c.name())).toList()));
        for (MatrixAnalysis a : matrices) {
            List<String> cells = new ArrayList<>(columns.size());
            for (Column c : columns) {
                cells.add(quote(c.value().apply(a)));
            }
            out.add(String.join(",", cells));
        }
        return out;
    }

    /** Writes the CSV of {@code analysis.matrices()} to {@code writer} (not closed). */
    public static void write(CheckpointAnalysis analysis, Writer writer) throws IOException {
        write(lines(analysis.matrices()), writer);
    }

    /** Writes {@code lines} with CRLF ends to {@code writer} (flushed, not closed). */
    static void write(List<String> lines, Writer writer) throws IOException {
        for (String line : lines) {
            writer.write(line);
            writer.write("\r\n");
        }
        writer.flush();
    }

    /**
     * Writes the CSV to {@code file} (UTF-8) atomically, refusing to replace the analysed
     * checkpoint ({@link ReportFiles#protecting}).
     *
     * @throws dev.rankscope.engine.io.CheckpointWriteException when the file cannot be written
     */
    public static void write(CheckpointAnalysis analysis, Path file) {
        write(analysis, file, ReportFiles.protecting(analysis));
    }

    /** Writes the CSV to {@code file} through {@code files} (atomic, protected inputs refused). */
    public static void write(CheckpointAnalysis analysis, Path file, AtomicFileWriter files) {
        files.write(file, channel -> {
            Writer w = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
            write(analysis, w);
        });
    }

    private static Column ranks(String name, java.util.function.ToDoubleFunction<RankMetrics> f) {
        return new Column(name, a -> number(f.applyAsDouble(a.ranks())));
    }

    private static Column powerLaw(String name, java.util.function.ToDoubleFunction<PowerLawFit> f) {
        return new Column(name, a -> a.powerLaw() == null ? "" : number(f.applyAsDouble(a.powerLaw())));
    }

    private static Column mp(String name, Function<MarchenkoPasturFit, String> f) {
        return new Column(name, a -> a.mp() == null ? "" : f.apply(a.mp()));
    }

    static String number(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "";
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
