package dev.rankscope.views.workbench;

import dev.rankscope.analysis.layout.ConvMode;

import dev.rankscope.views.details.DetailsView;
import dev.rankscope.views.details.DetailsViewModel;
import dev.rankscope.views.explorer.ExplorerView;
import dev.rankscope.views.explorer.ExplorerViewModel;
import dev.rankscope.views.layermap.LayerMapView;
import dev.rankscope.views.layermap.LayerMapViewModel;
import dev.rankscope.views.report.ReportExportViewModel;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.settings.SettingsView;
import dev.rankscope.views.settings.SettingsViewModel;
import dev.rankscope.views.service.WindowLayout;
import dev.rankscope.views.spectrum.SpectrumView;
import dev.rankscope.views.spectrum.SpectrumViewModel;
import dev.rankscope.views.table.MetricsTableView;
import dev.rankscope.views.table.MetricsTableViewModel;
import javafx.collections.ListChangeListener;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.image.Image;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.VBox;
import javafx.stage.Screen;
import javafx.stage.Stage;

import java.io.File;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The main window: a menu bar; the model explorer left; the centre tabs (Spectrum, Layer map,
 * Metrics table — each one view class over its own ViewModel, added through
 * {@link #addTab(WorkbenchTab)} so later features only add a class); the Details panel right;
 * the task panel and status bar at the bottom. Also owns the window-level behaviour: shortcuts,
 * drag and drop, theme and persisted layout. FX thread only.
 *
 * <p>File ▸ Export Report… writes the HTML report of the open checkpoint ({@link ReportExportViewModel}).
 *
 * <p>Shortcuts: Ctrl+O open file, Ctrl+Shift+O open folder, Ctrl+Shift+E export report, Ctrl+F find (focus the filter),
 * Alt+↓ / Alt+↑ (also F3 / Shift+F3) next / previous matrix, Ctrl+W close checkpoint, Ctrl+Q quit.
 */
public final class WorkbenchView {
    /** Where the themes' stylesheets live on the class path (from the top-level {@code resources/}). */
    public static final String THEME_ROOT = "/dev/rankscope/views/theme/";

    private final WorkbenchViewModel vm;
    private final BorderPane root = new BorderPane();
    private final TabPane tabs = new TabPane();
    private final SplitPane split;
    private final ExplorerView explorer;
    private final ExplorerViewModel explorerVm;
    private final SpectrumView spectrum;
    private final LayerMapView layerMap;
    private final MetricsTableView table;
    private final StatusBarView statusBar;
    private final Menu recentMenu = new Menu("Open Recent");
    private final ReportExportViewModel reportExport;

    public WorkbenchView(WorkbenchViewModel vm) {
        this.vm = Objects.requireNonNull(vm);
        root.setId("workbench");
        reportExport = new ReportExportViewModel(vm);
        explorerVm = new ExplorerViewModel(vm);
        explorer = new ExplorerView(explorerVm);
        spectrum = new SpectrumView(new SpectrumViewModel(vm), vm);
        spectrum.bindTheme(vm.themeProperty());
        layerMap = new LayerMapView(new LayerMapViewModel(vm));
        table = new MetricsTableView(new MetricsTableViewModel(vm), vm);
        DetailsView details = new DetailsView(new DetailsViewModel(vm));

        tabs.setId("centre-tabs");
        tabs.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        addTab(spectrum);
        addTab(layerMap);
        addTab(table);

        split = new SplitPane(explorer, tabs, details);
        split.setId("main-split");
        WindowLayout layout = vm.settings().windowLayout().orElse(WindowLayout.defaults());
        split.setDividerPositions(layout.leftDivider(), layout.rightDivider());
        SplitPane.setResizableWithParent(explorer, false);
        SplitPane.setResizableWithParent(details, false);

        statusBar = new StatusBarView(vm);
        root.setTop(menuBar());
        root.setCenter(split);
        root.setBottom(new VBox(new TaskPanelView(vm), statusBar));
        root.setOnDragOver(this::dragOver);
        root.setOnDragDropped(this::dragDropped);
    }

    /** Adds a centre tab (Budget, Compare, Learn… plug in here). */
    public Tab addTab(WorkbenchTab view) {
        Tab tab = new Tab(view.title(), view.content());
        tab.setId("tab-" + view.title().toLowerCase(java.util.Locale.ROOT).replace(' ', '-'));
        tabs.getTabs().add(tab);
        view.bindShown(tab.selectedProperty());
        return tab;
    }

    /** The menu bar's top-level menu titled {@code text} ("File", "View"…), for tabs that add items. */
    public Menu menu(String text) {
        return ((MenuBar) root.getTop()).getMenus().stream().filter(m -> m.getText().equals(text)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no menu " + text));
    }

    /** The window content. */
    public Parent root() {
        return root;
    }

    public TabPane tabs() {
        return tabs;
    }

    public ExplorerView explorer() {
        return explorer;
    }

    public SpectrumView spectrum() {
        return spectrum;
    }

    public LayerMapView layerMap() {
        return layerMap;
    }

    public MetricsTableView table() {
        return table;
    }

    /** File ▸ Export report…'s ViewModel (tabs contribute the plan and the intruder summary to it). */
    public ReportExportViewModel reportExport() {
        return reportExport;
    }

    /**
     * Puts the workbench into {@code stage}: scene with the theme's stylesheet, restored
     * geometry, icon, and on close: layout saved, tasks cancelled, files released.
     */
    public Scene install(Stage stage) {
        WindowLayout layout = vm.settings().windowLayout().orElse(WindowLayout.defaults());
        // Never larger than the screen (a 1280×800 laptop must see the whole window, menu bar included).
        javafx.geometry.Rectangle2D screen = Screen.getPrimary().getVisualBounds();
        double width = Math.min(layout.width(), screen.getWidth());
        double height = Math.min(layout.height(), screen.getHeight());
        Scene scene = new Scene(root, width, height);
        applyTheme(scene, vm.themeProperty().get());
        vm.themeProperty().addListener((o, a, b) -> applyTheme(scene, b));
        stage.setScene(scene);
        stage.setTitle("Rankscope");
        // the second pair of step keys: a menu item shows one accelerator, and naming the key in the item's text
        // ("Next Matrix (F3)") repeated what the accelerator column shows
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F3), explorerVm::selectNext);
        scene.getAccelerators().put(new KeyCodeCombination(KeyCode.F3, KeyCombination.SHIFT_DOWN), explorerVm::selectPrevious);
        if (Double.isFinite(layout.x()) && Double.isFinite(layout.y()) && onSomeScreen(layout)) {
            stage.setX(layout.x());
            stage.setY(layout.y());
        } else if (width < layout.width() || height < layout.height()) {
            stage.setX(screen.getMinX());
            stage.setY(screen.getMinY());
        }
        stage.setMaximized(layout.maximized());
        try (InputStream icon = WorkbenchView.class.getResourceAsStream(THEME_ROOT + "icons/rankscope-64.png")) {
            if (icon != null) {
                stage.getIcons().add(new Image(icon));
            }
        } catch (java.io.IOException ignored) {
            // no icon: the window manager's default is fine
        }
        updateTitle(stage);
        vm.checkpoints().addListener((ListChangeListener<CheckpointModel>) c -> updateTitle(stage));
        stage.setOnHiding(e -> {
            saveLayout(stage);
            statusBar.stop();
            vm.shutdown();
        });
        return scene;
    }

    /** Persists geometry and dividers now (also done on close). */
    public void saveLayout(Stage stage) {
        double[] d = split.getDividerPositions();
        if (stage.getWidth() > 0 && stage.getHeight() > 0 && d.length == 2) {
            vm.settings().setWindowLayout(new WindowLayout(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(),
                    stage.isMaximized(), clamp(d[0]), clamp(d[1])));
        }
    }

    private static double clamp(double v) {
        return Math.max(0, Math.min(1, v));
    }

    private static boolean onSomeScreen(WindowLayout l) {
        return !Screen.getScreensForRectangle(l.x(), l.y(), Math.min(l.width(), 100), Math.min(l.height(), 100)).isEmpty();
    }

    private void updateTitle(Stage stage) {
        List<String> names = vm.checkpoints().stream().map(CheckpointModel::displayName).toList();
        stage.setTitle(names.isEmpty() ? "Rankscope" : "Rankscope — " + String.join(", ", names));
    }

    /** Replaces the scene's stylesheets with the base sheet and {@code theme}'s sheet. */
    public static void applyTheme(Scene scene, Theme theme) {
        List<String> sheets = new ArrayList<>();
        URL base = WorkbenchView.class.getResource(THEME_ROOT + "base.css");
        URL themed = WorkbenchView.class.getResource(THEME_ROOT + theme.stylesheet());
        if (base != null) {
            sheets.add(base.toExternalForm());
        }
        if (themed != null) {
            sheets.add(themed.toExternalForm());
        }
        scene.getStylesheets().setAll(sheets);
    }

    private MenuBar menuBar() {
        MenuItem open = item("Open…", new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN),
                () -> vm.dialogs().chooseCheckpointFile().ifPresent(vm::open));
        open.setId("menu-open");
        MenuItem openFolder = item("Open Folder…",
                new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN),
                () -> vm.dialogs().chooseCheckpointFolder().ifPresent(vm::open));
        MenuItem openHub = item("Open from Hugging Face Cache…", null, vm::openFromHuggingFaceCache);
        openHub.setId("menu-open-hf-cache");
        recentMenu.setId("menu-recent");
        rebuildRecent();
        vm.recentFiles().addListener((ListChangeListener<Path>) c -> rebuildRecent());
        MenuItem close = item("Close Checkpoint", new KeyCodeCombination(KeyCode.W, KeyCombination.SHORTCUT_DOWN),
                () -> vm.checkpointOf(vm.getCurrent()).ifPresent(vm::close));
        close.setId("menu-close");
        MenuItem quit = item("Quit", new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN),
                () -> {
                    if (root.getScene() != null && root.getScene().getWindow() instanceof Stage s) {
                        s.close();
                    }
                });
        MenuItem exportReport = item("Export Report…", new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN,
                KeyCombination.SHIFT_DOWN), reportExport::export);
        exportReport.setId("menu-export-report");
        exportReport.disableProperty().bind(reportExport.disabledProperty());
        Menu file = new Menu("File", null, open, openFolder, openHub, recentMenu, close, new SeparatorMenuItem(), exportReport,
                new SeparatorMenuItem(), quit);

        MenuItem find = item("Find…", new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), explorer::focusFilter);
        find.setId("menu-find");
        MenuItem settingsItem = item("Settings…", new KeyCodeCombination(KeyCode.COMMA, KeyCombination.SHORTCUT_DOWN),
                this::showSettings);
        settingsItem.setId("menu-settings");
        Menu edit = new Menu("Edit", null, find, new SeparatorMenuItem(), settingsItem);

        MenuItem next = item("Next Matrix", new KeyCodeCombination(KeyCode.DOWN, KeyCombination.ALT_DOWN), explorerVm::selectNext);
        next.setId("menu-next");
        MenuItem previous = item("Previous Matrix", new KeyCodeCombination(KeyCode.UP, KeyCombination.ALT_DOWN),
                explorerVm::selectPrevious);
        previous.setId("menu-previous");
        Menu navigate = new Menu("Navigate", null, next, previous);
        for (int i = 0; i < 3; i++) {
            int index = i;
            MenuItem t = item("Go to " + new String[]{"Spectrum", "Layer map", "Metrics table"}[i],
                    new KeyCodeCombination(KeyCode.getKeyCode(Integer.toString(i + 1)), KeyCombination.SHORTCUT_DOWN),
                    () -> tabs.getSelectionModel().select(index));
            navigate.getItems().add(i == 0 ? 0 : i, t);
        }
        navigate.getItems().add(3, new SeparatorMenuItem());

        ToggleGroup themes = new ToggleGroup();
        Menu view = new Menu("View");
        for (Theme t : Theme.values()) {
            RadioMenuItem r = new RadioMenuItem(t == Theme.LIGHT ? "Light Theme" : "Dark Theme");
            r.setId("menu-theme-" + t.name().toLowerCase(java.util.Locale.ROOT));
            r.setToggleGroup(themes);
            r.setSelected(vm.themeProperty().get() == t);
            r.setOnAction(e -> vm.themeProperty().set(t));
            vm.themeProperty().addListener((o, a, b) -> r.setSelected(b == t));
            view.getItems().add(r);
        }
        view.getItems().add(new SeparatorMenuItem());
        view.getItems().addAll(matrixViewItems());
        MenuBar bar = new MenuBar(file, edit, navigate, view);
        bar.setId("menu-bar");
        return bar;
    }

    /**
     * View ▸ Per-Head Attention Views and View ▸ Pool Conv Kernels (WeightWatcher): the workbench's
     * {@code analyze --per-head} and {@code --conv pooled}; toggling reopens the open checkpoints.
     */
    private List<MenuItem> matrixViewItems() {
        CheckMenuItem perHead = new CheckMenuItem("Per-Head Attention Views");
        perHead.setId("menu-per-head");
        CheckMenuItem pooled = new CheckMenuItem("Pool Conv Kernels (WeightWatcher)");
        pooled.setId("menu-conv-pooled");
        Runnable sync = () -> {
            perHead.setSelected(vm.matrixViewsProperty().get().perHead());
            pooled.setSelected(vm.matrixViewsProperty().get().conv() == ConvMode.POOLED);
        };
        sync.run();
        vm.matrixViewsProperty().addListener((o, a, b) -> sync.run());
        perHead.setOnAction(e -> vm.matrixViewsProperty().set(vm.matrixViewsProperty().get().withPerHead(perHead.isSelected())));
        pooled.setOnAction(e -> vm.matrixViewsProperty().set(vm.matrixViewsProperty().get()
                .withConv(pooled.isSelected() ? ConvMode.POOLED : ConvMode.RESHAPE)));
        return List.of(perHead, pooled);
    }

    /** Edit ▸ Settings…: cache, quick preview, engine (a fresh window each time, measured afresh). */
    private void showSettings() {
        new SettingsView(new SettingsViewModel(vm, vm.spectrumCache()))
                .show(root.getScene() == null ? null : root.getScene().getWindow());
    }

    private void rebuildRecent() {
        recentMenu.getItems().clear();
        for (Path p : vm.recentFiles()) {
            MenuItem mi = new MenuItem(p.toString());
            mi.setMnemonicParsing(false);
            mi.setOnAction(e -> vm.open(p));
            recentMenu.getItems().add(mi);
        }
        recentMenu.setDisable(recentMenu.getItems().isEmpty());
    }

    private static MenuItem item(String text, KeyCombination accelerator, Runnable action) {
        MenuItem mi = new MenuItem(text);
        mi.setAccelerator(accelerator);
        mi.setOnAction(e -> action.run());
        return mi;
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
        }
        e.consume();
    }

    private void dragDropped(DragEvent e) {
        boolean ok = false;
        if (e.getDragboard().hasFiles()) {
            vm.openAll(e.getDragboard().getFiles().stream().map(File::toPath).toList());
            ok = true;
        }
        e.setDropCompleted(ok);
        e.consume();
    }
}
