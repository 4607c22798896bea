package dev.rankscope.app.gui;

import dev.rankscope.engine.cache.SpectrumCache;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.compare.CompareView;
import dev.rankscope.views.compensate.CompensateView;
import dev.rankscope.views.compare.EngineCompareServices;
import dev.rankscope.views.fx.FxDialogService;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.learn.LearnView;
import dev.rankscope.views.subspaces.SubspacesView;
import dev.rankscope.views.series.SeriesView;
import dev.rankscope.views.learn.LearnViewModel;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.service.PreferencesSettingsStore;
import dev.rankscope.views.service.SettingsStore;
import dev.rankscope.views.budget.BudgetView;
import dev.rankscope.views.budget.EngineBudgetServices;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.application.Application;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;

import java.nio.file.Path;
import java.util.List;
import java.util.prefs.Preferences;

/**
 * The JavaFX application: wires the real engine ({@link EngineWorkbenchServices}, native SVD when
 * available), persisted settings ({@code java.util.prefs} node {@code dev/rankscope/workbench};
 * {@code -Drankscope.settings=memory} keeps them in memory), the standard executors and FX
 * dialogs, then shows the {@link WorkbenchView} and opens the start paths.
 *
 * <p>System properties: {@code rankscope.root} (app root, for the sample),
 * {@code rankscope.engine} = auto | native | java, {@code rankscope.parallelism} (matrices at once) — both
 * override the engine and worker threads chosen in Edit ▸ Settings…; {@code rankscope.cacheDir} (spectrum
 * cache folder, {@code none} for no cache; default {@link SpectrumCache#defaultDir()}),
 * {@code rankscope.compare} = BASE,TUNED (opens the Compare tab on that pair; for scripting and demos),
 * {@code rankscope.series} = FOLDER (opens that folder in the Series tab).
 */
public final class WorkbenchApp extends Application {

    @Override
    public void start(Stage stage) {
        SettingsStore settings = "memory".equals(System.getProperty("rankscope.settings"))
                ? new InMemorySettingsStore()
                : new PreferencesSettingsStore(Preferences.userRoot().node("dev/rankscope/workbench"));
        String engineSwitch = System.getProperty("rankscope.engine");
        Backends.Preference engine = engineSwitch == null ? settings.enginePreference() : switch (engineSwitch) {
            case "native" -> Backends.Preference.NATIVE;
            case "java" -> Backends.Preference.JAVA;
            default -> Backends.Preference.AUTO;
        };
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = settings.workerThreads();
        int parallelism = Integer.getInteger("rankscope.parallelism", threads > 0 ? threads : Math.max(1, cores - 1));
        String cacheSwitch = System.getProperty("rankscope.cacheDir");
        Path cacheDir = cacheSwitch == null ? SpectrumCache.defaultDir() : "none".equals(cacheSwitch) ? null : Path.of(cacheSwitch);
        WorkbenchViewModel vm = new WorkbenchViewModel(
                new EngineWorkbenchServices(() -> Backends.select(engine), parallelism, cacheDir),
                new FxDialogService(() -> stage), settings, WorkbenchExecutors.standard());
        WorkbenchView view = new WorkbenchView(vm);
        BudgetView budget = BudgetView.create(vm, new EngineBudgetServices(() -> Backends.select(engine)));
        view.addTab(budget);
        CompareView compare = CompareView.install(view, vm, new EngineCompareServices(engine));
        view.reportExport().includePlan(budget.viewModel().checkpointProperty(), budget.viewModel().planProperty());
        view.reportExport().includeQuality(budget.viewModel().checkpointProperty(),
                budget.viewModel().modelLoop().sweepProperty());
        view.reportExport().includeComparison(compare.viewModel().basePathProperty(), compare.viewModel().tunedPathProperty(),
                compare.viewModel().results().reportProperty(), compare.viewModel().results().parametersProperty());
        LearnView learn = new LearnView(LearnViewModel.forWorkbench(vm, () -> Backends.select(engine)), vm.dialogs(),
                getHostServices()::showDocument);
        learn.bindTheme(vm.themeProperty());
        view.addTab(learn);
        SubspacesView.install(view, vm);
        SeriesView series = SeriesView.install(view, vm);
        String seriesPath = System.getProperty("rankscope.series");   // dev switch: open that folder as a series
        if (seriesPath != null) {
            series.viewModel().open(List.of(Path.of(seriesPath)));
        }
        CompensateView compensate = CompensateView.install(view, vm);
        String quantize = System.getProperty("rankscope.quantize");   // dev switch, e.g. int4-g128: analyse once a base is open
        if (quantize != null) {
            compensate.viewModel().schemeProperty().set(quantize);
            compensate.viewModel().baseProperty().addListener((o, a, b) -> {
                if (a == null && b != null) {
                    compensate.viewModel().analyse();
                }
            });
        }
        String startTab = System.getProperty("rankscope.startTab");   // dev switch, e.g. Budget
        view.tabs().getTabs().stream().filter(t -> t.getText().equalsIgnoreCase(startTab)).findFirst()
                .ifPresent(t -> view.tabs().getSelectionModel().select(t));
        view.install(stage);
        stage.addEventHandler(WindowEvent.WINDOW_HIDING, e -> compare.viewModel().shutdown());
        stage.show();
        List<String> raw = getParameters().getRaw();
        vm.openAll(WorkbenchLauncher.startPaths(raw.toArray(String[]::new), WorkbenchLauncher.rootDirectory()));
        String pair = System.getProperty("rankscope.compare");
        if (pair != null && pair.contains(",")) {
            // dev switch: -Drankscope.compare=BASE,TUNED opens the Compare tab on that pair
            String[] sides = pair.split(",", 2);
            view.tabs().getTabs().stream().filter(t -> t.getText().equals(compare.title())).findFirst()
                    .ifPresent(t -> view.tabs().getSelectionModel().select(t));   // not the last tab: Quantize is added after it
            compare.viewModel().compare(java.nio.file.Path.of(sides[0].trim()), java.nio.file.Path.of(sides[1].trim()));
        }
    }
}
