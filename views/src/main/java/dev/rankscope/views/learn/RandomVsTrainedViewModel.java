package dev.rankscope.views.learn;

import dev.rankscope.analysis.metrics.MarchenkoPastur;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLaw;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.views.fx.LatestResultScheduler;
import dev.rankscope.views.fx.WorkbenchExecutors;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.Arrays;
import java.util.Objects;
import java.util.Random;

/**
 * Learn ▸ Random vs trained (Martin &amp; Mahoney 2021): the ESD of an i.i.d. Gaussian matrix of the
 * selected layer's shape next to the trained layer's ESD, each with its Marchenko-Pastur fit
 * ({@link MarchenkoPastur#fit}) and power-law α ({@link PowerLaw#fit}) (SPEC §2). Histograms are of
 * log₁₀ λ on eigenvalues rescaled to mean 1; the MP density is transformed to that axis
 * (ρ(λ)·λ·ln 10).
 *
 * <p>With no checkpoint open, the "trained" side is a synthetic heavy-tailed spectrum (Pareto
 * quantiles with tail exponent {@link #SYNTHETIC_ALPHA}) of the default shape, labelled so. Random
 * matrices larger than {@link #MAX_RANDOM_DIM} on the long side are scaled down keeping the aspect
 * ratio Q (the MP law depends on Q only), labelled so.
 *
 * <p>Threading: properties FX thread only; work on the injected executor.
 */
public final class RandomVsTrainedViewModel {
    public static final int DEFAULT_ROWS = 256;
    public static final int DEFAULT_COLS = 512;
    public static final int MAX_RANDOM_DIM = 1024;
    public static final double SYNTHETIC_ALPHA = 3.0;
    public static final int BINS = 60;

    /**
     * One side of the comparison. {@code lambda} is rescaled to mean 1, ascending; {@code xminRescaled}
     * is the power-law xmin (found on raw λ = σ²) on that rescaled axis.
     */
    public record Side(String label, int rows, int cols, double[] lambda, MarchenkoPasturFit mp, PowerLawFit powerLaw,
                       double xminRescaled, double[] binLog10, double[] binDensity, double[] mpLog10,
                       double[] mpDensity) {
    }

    /** Both sides. */
    public record Comparison(Side random, Side trained) {
    }

    private final SvdBackend backend;
    private final LatestResultScheduler scheduler;
    private final ObjectProperty<Comparison> comparison = new SimpleObjectProperty<>();
    private final StringProperty status = new SimpleStringProperty("");
    private long seed = 42;

    public RandomVsTrainedViewModel(SvdBackend backend, WorkbenchExecutors executors) {
        this.backend = Objects.requireNonNull(backend);
        this.scheduler = new LatestResultScheduler(executors.work(), executors.ui());
    }

    /** Recomputes for {@code layer} (null: the default shape with a synthetic trained spectrum). */
    public void setLayer(SelectedLayer layer) {
        long s = seed;
        status.set(layer == null ? "No matrix selected: showing a synthetic heavy-tailed example"
                : "Computing " + layer.name() + "…");
        scheduler.submit(() -> compute(layer, s), c -> {
            comparison.set(c);
            status.set(layer == null ? "No matrix selected: the trained side is a synthetic heavy-tailed spectrum"
                    : layer.name() + " (" + layer.rows() + "×" + layer.cols() + ")");
        }, e -> status.set("Could not compute the comparison: " + e.getMessage()));
    }

    /**
     * Drops the comparison in flight (its result will not be published); the last published one stays
     * shown. For a caller whose input changed while it does not want a new comparison yet.
     */
    public void dropPending() {
        scheduler.invalidate();
    }

    /** A new Gaussian draw for the random side. */
    public void reroll(SelectedLayer layer) {
        seed++;
        setLayer(layer);
    }

    Comparison compute(SelectedLayer layer, long randomSeed) {
        int m = layer == null ? DEFAULT_ROWS : layer.rows();
        int n = layer == null ? DEFAULT_COLS : layer.cols();
        Side trained;
        if (layer == null) {
            trained = side("Synthetic heavy-tailed (α≈" + SYNTHETIC_ALPHA + ")", m, n, syntheticSigma(Math.min(m, n)));
        } else {
            double[] sigma = layer.sigma();
            if (sigma == null || sigma.length != Math.min(m, n)) {
                sigma = backend.singularValues(layer.loader().get(), SvdBackend.Tolerance.DEFAULT).sigma();
            }
            trained = side("Trained: " + layer.name(), m, n, sigma);
        }
        double scale = Math.min(1.0, (double) MAX_RANDOM_DIM / Math.max(m, n));
        int rm = Math.max(2, (int) Math.round(m * scale));
        int rn = Math.max(2, (int) Math.round(n * scale));
        Matrix g = gaussian(rm, rn, randomSeed);
        String label = "Random Gaussian " + rm + "×" + rn + (scale < 1 ? " (scaled down, same Q)" : "");
        Side random = side(label, rm, rn, backend.singularValues(g, SvdBackend.Tolerance.DEFAULT).sigma());
        return new Comparison(random, trained);
    }

    static Matrix gaussian(int m, int n, long seed) {
        Random r = new Random(seed);
        double[] d = new double[m * n];
        for (int i = 0; i < d.length; i++) {
            d[i] = r.nextGaussian();
        }
        return new Matrix(m, n, d);
    }

    /** σ of a synthetic heavy-tailed spectrum: λ_i Pareto quantiles with density tail ∝ λ^−α. */
    static double[] syntheticSigma(int p) {
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            double u = (i + 0.5) / p; // i = 0 is the extreme quantile
            s[i] = Math.sqrt(Math.pow(u, -1.0 / (SYNTHETIC_ALPHA - 1)));
        }
        return s;
    }

    static Side side(String label, int m, int n, double[] sigma) {
        MarchenkoPasturFit fit = MarchenkoPastur.fit(sigma, m, n);
        // as Analyzer does: no acceptable grid scale → the quick estimate s² = mean λ
        MarchenkoPasturFit mp = fit != null ? fit : MarchenkoPastur.quickFit(sigma, m, n);
        PowerLawFit pl = PowerLaw.fit(sigma);   // null when no tail can be fitted
        double[] lambda = MarchenkoPastur.rescaledEigenvalues(sigma, m, n);
        double rawSum = 0;
        for (double v : sigma) {
            rawSum += v * v;
        }
        double xminRescaled = pl == null ? Double.NaN : pl.xmin() * Math.min(m, n) / rawSum;
        Arrays.sort(lambda);
        double floor = 1e-6;
        double lo = Math.log10(Math.max(floor, Math.min(lambda[0], mp.bulkMin() > 0 ? mp.bulkMin() : lambda[0])));
        double hi = Math.log10(Math.max(lambda[lambda.length - 1], mp.bulkMax()));
        if (hi - lo < 1e-9) {
            hi = lo + 1;
        }
        double width = (hi - lo) / BINS;
        double[] centers = new double[BINS];
        double[] density = new double[BINS];
        for (double v : lambda) {
            int b = (int) Math.floor((Math.log10(Math.max(floor, v)) - lo) / width);
            density[Math.min(BINS - 1, Math.max(0, b))]++;
        }
        for (int b = 0; b < BINS; b++) {
            centers[b] = lo + (b + 0.5) * width;
            density[b] /= lambda.length * width;
        }
        int points = 400;
        double[] mx = new double[points];
        double[] my = new double[points];
        double a = Math.log10(Math.max(floor, mp.bulkMin()));
        double z = Math.log10(mp.bulkMax());
        for (int i = 0; i < points; i++) {
            double t = a + (z - a) * i / (points - 1);
            double lam = Math.pow(10, t);
            mx[i] = t;
            my[i] = MarchenkoPastur.density(lam, mp.q(), mp.sigma()) * lam * Math.log(10);
        }
        return new Side(label, m, n, lambda, mp, pl, xminRescaled, centers, density, mx, my);
    }

    public ObjectProperty<Comparison> comparisonProperty() {
        return comparison;
    }

    public StringProperty statusProperty() {
        return status;
    }
}
