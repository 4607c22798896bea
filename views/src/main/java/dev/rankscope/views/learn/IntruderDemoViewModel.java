package dev.rankscope.views.learn;

import dev.rankscope.analysis.intruders.IntruderAnalyzer;
import dev.rankscope.analysis.intruders.IntruderMatrixResult;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.views.fx.LatestResultScheduler;
import dev.rankscope.views.fx.WorkbenchExecutors;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyIntegerWrapper;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.Objects;
import java.util.Random;

/**
 * Learn ▸ LoRA and intruders (Shuttleworth et al. 2024, SPEC §3): a planted example
 * W₀ = U₀ diag(σ) V₀ᵀ ({@link #SIZE}×{@link #SIZE}, σ_i = {@link #SIGMA_1}·{@link #DECAY}^i, random
 * orthogonal factors) and W_t = W₀ + s·u vᵀ with random unit u, v (a rank-1 "LoRA" update of
 * strength s). The pair goes through {@link IntruderAnalyzer}; k and ε only re-threshold the cached
 * c_j (no new SVD). A strong update creates a top singular vector ≈ u, nearly orthogonal to every
 * base vector: an intruder.
 *
 * <p>Threading: properties FX thread only; SVDs on the injected executor.
 */
public final class IntruderDemoViewModel {
    public static final int SIZE = 64;
    public static final double SIGMA_1 = 10.0;
    public static final double DECAY = 0.9;
    public static final long SEED = 7;

    private final IntruderAnalyzer analyzer;
    private final SvdBackend backend;
    private final LatestResultScheduler scheduler;
    private final DoubleProperty strength = new SimpleDoubleProperty(20.0);
    private final IntegerProperty k = new SimpleIntegerProperty(IntruderParameters.DEFAULT.k());
    private final DoubleProperty epsilon = new SimpleDoubleProperty(IntruderParameters.DEFAULT.epsilon());
    private final ObjectProperty<IntruderMatrixResult> result = new SimpleObjectProperty<>();
    private final ReadOnlyIntegerWrapper intruderCount = new ReadOnlyIntegerWrapper();
    private final StringProperty status = new SimpleStringProperty("");
    private Matrix base;
    private double[] u;
    private double[] v;

    public IntruderDemoViewModel(SvdBackend backend, WorkbenchExecutors executors) {
        this.backend = Objects.requireNonNull(backend);
        this.analyzer = new IntruderAnalyzer(backend);
        this.scheduler = new LatestResultScheduler(executors.work(), executors.ui());
        strength.addListener((obs, o, n) -> recompute());
        k.addListener((obs, o, n) -> recount());
        epsilon.addListener((obs, o, n) -> recount());
    }

    /** Computes the first result (call once the panel is shown). */
    public void start() {
        recompute();
    }

    private void recompute() {
        double s = strength.get();
        status.set("Decomposing W₀ and W_t…");
        scheduler.submit(() -> analyze(s), r -> {
            result.set(r);
            status.set("");
            recount();
        }, e -> status.set("Intruder analysis failed: " + e.getMessage()));
    }

    private void recount() {
        IntruderMatrixResult r = result.get();
        if (r != null) {
            intruderCount.set(r.intruderCount(parameters()));
        }
    }

    /** The current k and ε as analysis parameters (clamped to their valid ranges). */
    public IntruderParameters parameters() {
        int kk = Math.max(1, Math.min(IntruderParameters.K_MAX, k.get()));
        double e = Math.max(0, Math.min(1, epsilon.get()));
        return new IntruderParameters(kk, e);
    }

    private synchronized IntruderMatrixResult analyze(double s) {
        if (base == null) {
            plant();
        }
        double[] t = base.data().clone();
        for (int i = 0; i < SIZE; i++) {
            for (int j = 0; j < SIZE; j++) {
                t[i * SIZE + j] += s * u[i] * v[j];
            }
        }
        return analyzer.analyze(new MatrixName("planted", -1, ModuleType.OTHER, "planted"), base,
                new Matrix(SIZE, SIZE, t));
    }

    private void plant() {
        Random r = new Random(SEED);
        SvdResult g = backend.svd(RandomVsTrainedViewModel.gaussian(SIZE, SIZE, SEED));
        Matrix uu = g.u();
        Matrix vt = g.vt();
        double[] w = new double[SIZE * SIZE];
        for (int i = 0; i < SIZE; i++) {
            for (int j = 0; j < SIZE; j++) {
                double sum = 0;
                for (int l = 0; l < SIZE; l++) {
                    sum += uu.get(i, l) * SIGMA_1 * Math.pow(DECAY, l) * vt.get(l, j);
                }
                w[i * SIZE + j] = sum;
            }
        }
        base = new Matrix(SIZE, SIZE, w);
        u = unit(r);
        v = unit(r);
    }

    private static double[] unit(Random r) {
        double[] x = new double[SIZE];
        double norm = 0;
        for (int i = 0; i < SIZE; i++) {
            x[i] = r.nextGaussian();
            norm += x[i] * x[i];
        }
        norm = Math.sqrt(norm);
        for (int i = 0; i < SIZE; i++) {
            x[i] /= norm;
        }
        return x;
    }

    /** s, the strength of the planted update (≥ 0). */
    public DoubleProperty strengthProperty() {
        return strength;
    }

    public IntegerProperty kProperty() {
        return k;
    }

    public DoubleProperty epsilonProperty() {
        return epsilon;
    }

    public ObjectProperty<IntruderMatrixResult> resultProperty() {
        return result;
    }

    public ReadOnlyIntegerProperty intruderCountProperty() {
        return intruderCount.getReadOnlyProperty();
    }

    public StringProperty statusProperty() {
        return status;
    }
}
