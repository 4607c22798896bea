package dev.rankscope.views.learn;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;

import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The Learn tab: four teaching panels (rank-k approximation, random vs trained, effective rank,
 * LoRA intruders), each with its own ViewModel, and the selected checkpoint matrix they may use.
 *
 * <p>Following the selection: the Random vs trained panel recomputes its comparison for the
 * selected matrix (an SVD of a Gaussian matrix of the layer's shape, plus the layer's own SVD when
 * the workbench has no spectrum yet: a fraction of a second or more) only while it is on screen,
 * that is while {@link #shownProperty()} is true and it is the current {@link #panelProperty()}
 * panel. Selections made while it is hidden cost nothing; when it comes on screen it computes once
 * for the selection of that moment (if it has not already). A selection change while hidden drops
 * any comparison still in flight, so a later selection always wins.
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
    private final BooleanProperty shown = new SimpleBooleanProperty(true);
    /** Whether the random-vs-trained comparison was requested for {@link #comparedLayer} (and not dropped since). */
    private boolean compared;
    private SelectedLayer comparedLayer;
    private final RankApproximationViewModel rankApproximation;
    private final RandomVsTrainedViewModel randomVsTrained;
    private final EffectiveRankViewModel effectiveRank;
    private final IntruderDemoViewModel intruders;
    /** The open checkpoints no picture may be written onto or into (none outside a workbench). */
    private Supplier<? extends Collection<Path>> inputs = List::of;

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
        selectedLayer.addListener((obs, o, n) -> {
            if (!followsSelection() && compared) {
                randomVsTrained.dropPending();   // a result for an older selection is stale
                compared = false;
            }
            compareIfShown();
        });
        panel.addListener((obs, o, n) -> compareIfShown());
        shown.addListener((obs, o, n) -> compareIfShown());
    }

    /** True while the Random vs trained panel is on screen (the only panel that follows the selection by itself). */
    private boolean followsSelection() {
        return shown.get() && panel.get() == Panel.RANDOM_VS_TRAINED;
    }

    private void compareIfShown() {
        SelectedLayer layer = selectedLayer.get();
        if (followsSelection() && !(compared && layer == comparedLayer)) {
            compared = true;
            comparedLayer = layer;
            randomVsTrained.setLayer(layer);
        }
    }

    /** Follows the workbench's current matrix (reading its entries through the open checkpoint). */
    public static LearnViewModel forWorkbench(WorkbenchViewModel workbench, Supplier<SvdBackend> backend) {
        LearnViewModel vm = new LearnViewModel(backend, workbench.executors());
        vm.inputs = workbench::inputs;
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

    /**
     * The exporter of the Learn panels' pictures: refuses to write onto or into the workbench's open
     * checkpoints ({@link WorkbenchViewModel#inputs()}) through the one protection rule.
     */
    public PictureExporter pictureExporter(DialogService dialogs) {
        return new PictureExporter(dialogs, executors, inputs);
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

    /**
     * Whether the Learn tab is on screen (true by default, for a Learn view shown on its own; the
     * workbench binds it to the tab's selection through {@link LearnView#bindShown}). While false,
     * nothing is computed for selection changes. FX thread only.
     */
    public BooleanProperty shownProperty() {
        return shown;
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
