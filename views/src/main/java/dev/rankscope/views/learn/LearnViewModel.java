package dev.rankscope.views.learn;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.MatrixEntry;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Learn tab: four teaching panels (rank-k approximation, random vs trained, effective rank,
 * LoRA intruders), each with its own ViewModel, and the selected checkpoint matrix they may use.
 *
 * <p>Threading: FX thread only; the panels run their numerical work on {@link #executors()}.
 */
public final class LearnViewModel {
    /** The panels in selector order. */
    public enum Panel {
        RANK_K("Rank-k approximation"),
        RANDOM_VS_TRAINED("Random vs trained"),
        EFFECTIVE_RANK("Effective rank explained"),
        INTRUDERS("LoRA and intruders");

        private final String title;

        Panel(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }

        @Override
        public String toString() {
            return title;
        }
    }

    private final WorkbenchExecutors executors;
    private final ObjectProperty<SelectedLayer> selectedLayer = new SimpleObjectProperty<>();
    private final ObjectProperty<Panel> panel = new SimpleObjectProperty<>(Panel.RANK_K);
    private final RankApproximationViewModel rankApproximation;
    private final RandomVsTrainedViewModel randomVsTrained;
    private final EffectiveRankViewModel effectiveRank;
    private final IntruderDemoViewModel intruders;

    /**
     * @param backend supplies the SVD backend; called on the work executor (creating a native backend may
     *                take a moment), memoised here
     */
    public LearnViewModel(Supplier<SvdBackend> backend, WorkbenchExecutors executors) {
        this.executors = Objects.requireNonNull(executors);
        SvdBackend lazy = new LazyBackend(backend);
        rankApproximation = new RankApproximationViewModel(lazy, executors);
        randomVsTrained = new RandomVsTrainedViewModel(lazy, executors);
        effectiveRank = new EffectiveRankViewModel();
        intruders = new IntruderDemoViewModel(lazy, executors);
        selectedLayer.addListener((obs, o, n) -> randomVsTrained.setLayer(n));
    }

    /** Follows the workbench's current matrix (reading its entries through the open checkpoint). */
    public static LearnViewModel forWorkbench(WorkbenchViewModel workbench, Supplier<SvdBackend> backend) {
        LearnViewModel vm = new LearnViewModel(backend, workbench.executors());
        Runnable update = () -> vm.selectedLayer.set(layerOf(workbench, workbench.getCurrent()));
        workbench.currentProperty().addListener((obs, o, n) -> update.run());
        workbench.analyses().addListener((javafx.collections.MapChangeListener<MatrixEntry, MatrixAnalysis>) c -> {
            if (c.getKey().equals(workbench.getCurrent())) {
                update.run();
            }
        });
        update.run();
        return vm;
    }

    private static SelectedLayer layerOf(WorkbenchViewModel workbench, MatrixEntry entry) {
        if (entry == null) {
            return null;
        }
        MatrixAnalysis analysis = workbench.analysis(entry);
        double[] sigma = analysis == null ? null : analysis.spectrum().sigma();
        Supplier<dev.rankscope.engine.linalg.Matrix> loader = () -> {
            Object handle = workbench.checkpointOf(entry).map(c -> c.opened().handle()).orElse(null);
            if (!(handle instanceof TensorSource source)) {
                throw new IllegalStateException("the checkpoint of " + entry.id() + " is not open");
            }
            return MatrixReader.read(source, entry.ref());
        };
        return new SelectedLayer(entry.id(), entry.ref().rows(), entry.ref().cols(), sigma, loader);
    }

    public WorkbenchExecutors executors() {
        return executors;
    }

    /** The checkpoint matrix selected in the workbench, or null. */
    public ObjectProperty<SelectedLayer> selectedLayerProperty() {
        return selectedLayer;
    }

    public ObjectProperty<Panel> panelProperty() {
        return panel;
    }

    public RankApproximationViewModel rankApproximation() {
        return rankApproximation;
    }

    public RandomVsTrainedViewModel randomVsTrained() {
        return randomVsTrained;
    }

    public EffectiveRankViewModel effectiveRank() {
        return effectiveRank;
    }

    public IntruderDemoViewModel intruders() {
        return intruders;
    }

    /** A backend created on first use (on whichever thread first decomposes). */
    private static final class LazyBackend implements SvdBackend {
        private final Supplier<SvdBackend> factory;
        private SvdBackend backend;

        LazyBackend(Supplier<SvdBackend> factory) {
            this.factory = Objects.requireNonNull(factory);
        }

        private synchronized SvdBackend get() {
            if (backend == null) {
                backend = factory.get();
            }
            return backend;
        }

        @Override
        public dev.rankscope.engine.linalg.EngineInfo info() {
            return get().info();
        }

        @Override
        public dev.rankscope.engine.linalg.SvdResult singularValues(dev.rankscope.engine.linalg.Matrix a, Tolerance tolerance) {
            return get().singularValues(a, tolerance);
        }

        @Override
        public dev.rankscope.engine.linalg.SvdResult svd(dev.rankscope.engine.linalg.Matrix a) {
            return get().svd(a);
        }
    }
}
