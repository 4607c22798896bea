package dev.rankscope.analysis.report;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.analysis.metrics.WeightWatcherScale;
import dev.rankscope.analysis.report.AnalysisCsv.Column;
import dev.rankscope.engine.io.AtomicFileWriter;

import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The analysis as WeightWatcher 0.7.5.5's {@code details} DataFrame of {@code analyze(mp_fit=True)}
 * (SPEC §2): the same 38 columns in WeightWatcher's order, with its names and units, so a notebook
 * that reads WeightWatcher's table (e.g. {@code pd.read_csv}) reads Rankscope's unchanged.
 *
 * <p>Units as WeightWatcher's: {@code spectral_norm} = σ₁², {@code norm} = Σσ² (both
 * eigenvalue units), {@code sv_max} = σ₁, {@code lambda_max} = {@code xmax} = σ₁²,
 * {@code bulk_min}/{@code bulk_max} on the λ = σ² axis, {@code sigma} = σ_α,
 * {@code sigma_mp} and {@code mp_softrank} on the mean-1 axis, {@code W_scale} the rescaling
 * factor, {@code matrix_rank} the numerical rank, {@code rank_loss} = p − matrix_rank,
 * {@code weak_rank_loss} = #{λ &lt; 1e-6}, {@code warning} the α verdict. {@code layer_id} is the
 * 1-based row number ({@code WeightWatcher} also counts 1-D weights, so its ids can run ahead);
 * {@code name}/{@code longname} the tensor name without {@code .weight}. Matrices WeightWatcher
 * would skip (fewer than {@code min_evals} eigenvalues) have no power-law or MP fit and empty cells
 * there; booleans as pandas writes them ({@code True}); floats at round-trip precision. A pooled conv
 * kernel ({@code layer_type} conv2d) is on WeightWatcher's conv2d_norm scale: σ·√(1/2), λ/2
 * ({@link WeightWatcherScale}).
 * Pure, thread-safe.
 */
public final class WeightWatcherCsv {

    /** WeightWatcher's λ threshold for {@code weak_rank_loss}. */
    static final double WEAK_RANK_LOSS_TOLERANCE = 1e-6;

    private WeightWatcherCsv() {
    }

    /** WeightWatcher's column names, in its order. */
    public static List<String> header() {
        return columns(List.of()).stream().map(Column::name).toList();
    }

    /** Header line and one line per matrix (without line ends). */
    public static List<String> lines(List<MatrixAnalysis> matrices) {
        return AnalysisCsv.lines(columns(matrices), matrices);
    }

    /** Writes the table to {@code writer} (CRLF line ends; flushed, not closed). */
    public static void write(CheckpointAnalysis analysis, Writer writer) throws IOException {
        AnalysisCsv.write(lines(analysis.matrices()), writer);
    }

    /**
     * Writes the table to {@code file} (UTF-8) atomically through {@code files} (protected inputs refused).
     *
     * @throws dev.rankscope.engine.io.CheckpointWriteException when the file cannot be written
     */
    public static void write(CheckpointAnalysis analysis, Path file, AtomicFileWriter files) {
        files.write(file, channel -> {
            Writer w = new OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8);
            write(analysis, w);
        });
    }

    private static List<Column> columns(List<MatrixAnalysis> order) {
        List<Column> c = new ArrayList<>();
        c.add(new Column("layer_id", a -> Integer.toString(indexOf(order, a) + 1)));
        c.add(new Column("name", WeightWatcherCsv::name));
        c.add(powerLaw("D", PowerLawFit::ksDistance));
        c.add(new Column("M", a -> Integer.toString(Math.min(a.rows(), a.cols()))));
        c.add(new Column("N", a -> Integer.toString(Math.max(a.rows(), a.cols()))));
        c.add(new Column("Q", a -> AnalysisCsv.number((double) Math.max(a.rows(), a.cols()) / Math.min(a.rows(), a.cols()))));
        c.add(mp("W_scale", MarchenkoPasturFit::scale));
        c.add(powerLaw("alpha", PowerLawFit::alpha));
        c.add(powerLaw("alpha_weighted", PowerLawFit::alphaWeighted));
        c.add(mp("bulk_max", MarchenkoPasturFit::bulkMaxEigenvalue));
        c.add(mp("bulk_min", MarchenkoPasturFit::bulkMinEigenvalue));
        c.add(number("entropy", a -> a.ranks().spectralEntropy()));
        c.add(new Column("has_esd", a -> "True"));
        c.add(number("lambda_max", WeightWatcherCsv::lambdaMax));
        c.add(new Column("layer_type", a -> a.spectrum().ref().isPooled() ? "conv2d" : "dense"));
        c.add(powerLaw("log_alpha_norm", PowerLawFit::logAlphaNorm));
        c.add(number("log_norm", a -> a.ranks().logNorm()));
        c.add(number("log_spectral_norm", a -> a.ranks().logSpectralNorm()));
        c.add(new Column("longname", WeightWatcherCsv::name));
        c.add(new Column("matrix_rank", a -> Integer.toString(a.ranks().numericalRank())));
        c.add(mp("mp_softrank", MarchenkoPasturFit::softRank));
        c.add(number("norm", a -> square(a.ranks().frobeniusNorm() * scale(a))));
        c.add(new Column("num_evals", a -> Integer.toString(a.spectrum().sigma().length)));
        c.add(new Column("num_pl_spikes", a -> a.powerLaw() == null ? "" : Integer.toString(a.powerLaw().numTail())));
        c.add(new Column("num_spikes", a -> a.mp() == null ? "" : Integer.toString(a.mp().numSpikes())));
        c.add(new Column("rank_loss", a -> Integer.toString(a.fullRank() - a.ranks().numericalRank())));
        c.add(new Column("rf", a -> Integer.toString(a.spectrum().ref().isPooled()
                ? a.spectrum().ref().selection().poolSlices() : 1)));
        c.add(powerLaw("sigma", PowerLawFit::sigmaAlpha));
        c.add(mp("sigma_mp", MarchenkoPasturFit::sigma));
        c.add(number("spectral_norm", WeightWatcherCsv::lambdaMax));
        c.add(number("stable_rank", a -> a.ranks().stableRank()));
        c.add(new Column("status", a -> a.powerLaw() == null ? "skipped" : "success"));
        c.add(number("sv_max", a -> a.ranks().spectralNorm() * scale(a)));
        c.add(number("sv_min", WeightWatcherCsv::svMin));
        c.add(new Column("warning", a -> a.powerLaw() == null ? "" : a.powerLaw().verdict()));
        c.add(new Column("weak_rank_loss", WeightWatcherCsv::weakRankLoss));
        c.add(number("xmax", WeightWatcherCsv::lambdaMax));
        c.add(powerLaw("xmin", PowerLawFit::xmin));
        return c;
    }

    private static int indexOf(List<MatrixAnalysis> order, MatrixAnalysis a) {
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i) == a) {
                return i;
            }
        }
        return -1;
    }

    /** Tensor name without {@code .weight}, plus the slice/part suffix of a sub-matrix. */
    private static String name(MatrixAnalysis a) {
        String id = a.name().id();
        return id.endsWith(".weight") ? id.substring(0, id.length() - ".weight".length()) : id.replace(".weight#", "#")
                .replace(".weight[", "[");
    }

    /** WeightWatcher's factor on σ of this matrix (√(1/2) for a pooled conv ESD, {@link WeightWatcherScale}). */
    private static double scale(MatrixAnalysis a) {
        return WeightWatcherScale.singularValueScale(a.spectrum().ref());
    }

    private static double square(double x) {
        return x * x;
    }

    private static double lambdaMax(MatrixAnalysis a) {
        return square(a.ranks().spectralNorm() * scale(a));
    }

    /**
     * The smallest σ; empty for a conv kernel pooled from several slices, where WeightWatcher's {@code sv_min} is
     * the largest of the slices' smallest σ ({@code combined_eigenvalues}), which a pooled spectrum cannot tell.
     */
    private static double svMin(MatrixAnalysis a) {
        if (a.spectrum().ref().isPooled() && a.spectrum().ref().selection().poolSlices() > 1) {
            return Double.NaN;
        }
        double[] sigma = a.spectrum().sigma();
        return sigma.length == 0 || a.spectrum().approximate() ? Double.NaN : sigma[sigma.length - 1] * scale(a);
    }

    private static String weakRankLoss(MatrixAnalysis a) {
        int count = 0;
        for (double s : WeightWatcherScale.sigma(a.spectrum().ref(), a.spectrum().sigma())) {
            if (s * s < WEAK_RANK_LOSS_TOLERANCE) {
                count++;
            }
        }
        return Integer.toString(count);
    }

    private static Column number(String name, ToDoubleFunction<MatrixAnalysis> f) {
        return new Column(name, a -> AnalysisCsv.number(f.applyAsDouble(a)));
    }

    private static Column powerLaw(String name, ToDoubleFunction<PowerLawFit> f) {
        return new Column(name, a -> a.powerLaw() == null ? "" : AnalysisCsv.number(f.applyAsDouble(a.powerLaw())));
    }

    private static Column mp(String name, ToDoubleFunction<MarchenkoPasturFit> f) {
        Function<MatrixAnalysis, String> cell = a -> a.mp() == null ? "" : AnalysisCsv.number(f.applyAsDouble(a.mp()));
        return new Column(name, cell);
    }
}
