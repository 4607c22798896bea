package dev.rankscope.views.learn;

import dev.rankscope.analysis.metrics.RankMeasures;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.views.fx.LatestResultScheduler;
import dev.rankscope.views.fx.WorkbenchExecutors;
import javafx.beans.property.DoubleProperty;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.LongProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleDoubleProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.service.DialogService;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * State of the Learn ▸ Rank-k approximation panel. {@link #setSource} computes the SVD once on the
 * work executor; changing {@link #rankProperty()} rebuilds A_k from the cached factors
 * (incrementally, {@link RankApproximation}) through a latest-wins scheduler and publishes the
 * reconstruction, residual, retained energy, Eckart-Young error and storage cost (SPEC §4).
 *
 * <p>Threading: properties are FX-thread only; work runs on the injected executors (tests use
 * {@link WorkbenchExecutors#sameThread()}).
 */
public final class RankApproximationViewModel {

    /** One published state for rank k. */
    public record Frame(int rank, Matrix reconstruction, Matrix residual, double retainedEnergy,
                        double eckartYoungError, double measuredError) {
    }

    private final SvdBackend backend;
    private final LatestResultScheduler svdScheduler;
    private final LatestResultScheduler rankScheduler;
    private final WorkbenchExecutors executors;
    private final ObjectProperty<RankApproximation> approximation = new SimpleObjectProperty<>();
    private final ObjectProperty<Frame> frame = new SimpleObjectProperty<>();
    private final IntegerProperty rank = new SimpleIntegerProperty(1);
    private final IntegerProperty maxRank = new SimpleIntegerProperty(1);
    private final LongProperty factorCost = new SimpleLongProperty();
    private final LongProperty denseCost = new SimpleLongProperty();
    private final DoubleProperty breakEven = new SimpleDoubleProperty();
    private final StringProperty status = new SimpleStringProperty("");

    public RankApproximationViewModel(SvdBackend backend, WorkbenchExecutors executors) {
        this.backend = Objects.requireNonNull(backend);
        this.executors = Objects.requireNonNull(executors);
        this.svdScheduler = new LatestResultScheduler(executors.work(), executors.ui());
        this.rankScheduler = new LatestResultScheduler(executors.work(), executors.ui());
        rank.addListener((obs, o, n) -> refresh());
    }

    /**
     * Reads a PNG/JPEG as a grayscale matrix ({@link ImageMatrices#read}) on the work executor through
     * the one FX-side runner, then hands the example to {@code opened} on the UI executor (the view
     * offers it and selects it, which makes it the source). A file that cannot be read is one dialog
     * naming it; the status says what is being read meanwhile.
     */
    public void openImage(Path file, DialogService dialogs, Consumer<LearnImages.Example> opened) {
        String name = String.valueOf(file.getFileName());
        status.set("Reading " + name + "…");
        new BackgroundRunner(executors, dialogs).work(() -> new LearnImages.Example(name, ImageMatrices.read(file)))
                .onSuccess(opened)
                .onFailure("Cannot open image", file)
                .onFailureSentence(sentence -> status.set(""))
                .start();
    }

    /** Largest number of entries the interactive panel decomposes (≈ 1024²). */
    public static final long MAX_ENTRIES = 1L << 20;

    /** Sets the matrix (an image or a checkpoint matrix) and computes its SVD off the FX thread. */
    public void setSource(String name, Matrix matrix) {
        Matrix snapshot = matrix.copy();
        setSource(name, () -> snapshot);
    }

    /**
     * As {@link #setSource(String, Matrix)} with the matrix read by {@code loader} on the work executor
     * (a checkpoint matrix). Matrices above {@link #MAX_ENTRIES} entries are refused with a status message.
     */
    public void setSource(String name, Supplier<Matrix> loader) {
        status.set("Computing the SVD of " + name + "…");
        svdScheduler.submit(() -> {
            Matrix m = loader.get();
            if ((long) m.rows() * m.cols() > MAX_ENTRIES) {
                throw new IllegalArgumentException(name + " is " + m.rows() + "×" + m.cols()
                        + ", too large for the interactive demo (at most " + MAX_ENTRIES + " entries)");
            }
            return new RankApproximation(m, backend.svd(m));
        }, a -> {
            int rows = a.rows();
            int cols = a.cols();
            approximation.set(a);
            maxRank.set(a.maxRank());
            denseCost.set((long) rows * cols);
            breakEven.set(RankApproximation.breakEven(rows, cols));
            status.set(name + ": " + rows + "×" + cols + ", p = " + a.maxRank());
            int k = Math.min(Math.max(1, rank.get()), a.maxRank());
            if (k == rank.get()) {
                refresh();
            } else {
                rank.set(k);
            }
        }, e -> status.set("Could not decompose " + name + ": " + e.getMessage()));
    }

    private void refresh() {
        RankApproximation a = approximation.get();
        if (a == null) {
            return;
        }
        int k = Math.min(Math.max(0, rank.get()), a.maxRank());
        factorCost.set(RankApproximation.factorCost(k, a.rows(), a.cols()));
        rankScheduler.submit(() -> {
            Matrix rec = a.reconstruct(k);
            double[] cum = RankMeasures.cumulativeEnergy(a.sigma());
            double retained = k == 0 ? 0 : cum[k - 1];
            return new Frame(k, rec, a.residual(rec), retained, a.eckartYoungError(k),
                    a.relativeFrobeniusError(rec));
        }, frame::set, e -> status.set("Reconstruction failed: " + e.getMessage()));
    }

    public ObjectProperty<RankApproximation> approximationProperty() {
        return approximation;
    }

    public ObjectProperty<Frame> frameProperty() {
        return frame;
    }

    public IntegerProperty rankProperty() {
        return rank;
    }

    public IntegerProperty maxRankProperty() {
        return maxRank;
    }

    /** k(m+n) for the current rank. */
    public LongProperty factorCostProperty() {
        return factorCost;
    }

    /** mn. */
    public LongProperty denseCostProperty() {
        return denseCost;
    }

    /** mn/(m+n). */
    public DoubleProperty breakEvenProperty() {
        return breakEven;
    }

    public StringProperty statusProperty() {
        return status;
    }
}
