package dev.rankscope.views.compare;

import dev.rankscope.views.fx.EmptyHint;
import dev.rankscope.views.workbench.WorkbenchTab;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.MenuButton;
import javafx.scene.control.MenuItem;
import javafx.scene.control.Separator;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.control.SpinnerValueFactory;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.Tooltip;
import javafx.scene.input.DragEvent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.TransferMode;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;

import java.io.File;
import java.nio.file.Path;
import java.util.Locale;

import static dev.rankscope.views.fx.KeptTogether.group;

/**
 * The Compare tab (intruder dimensions, SPEC §3): pair a base and a tuned checkpoint — a full fine-tune or a
 * PEFT LoRA adapter folder, chosen with the buttons, File ▸ Compare with…, or dropped on the tab —
 * and see their intruder dimensions. Top: inputs, the live ε slider (0–1) and k spinner (1–100),
 * the heatmap width N, exports (JSON, CSV) and PEFT's mitigation (λ) as a merged checkpoint.
 * Centre: the per-layer intruder bars by module next to the selected matrix's |U_tᵀU₀| heatmap with
 * its c_j curve, its base/tuned and ΔW spectra and the per-layer spectral distance; below, the
 * matrix table with totals. Bottom: what happened last and the pairing's notes (mismatched shapes,
 * unpaired names). One view class over {@link CompareViewModel}; FX thread only.
 */
public final class CompareView extends BorderPane implements WorkbenchTab {
    private final CompareViewModel vm;
    private final WorkbenchViewModel workbench;
    private final IntruderBarsView bars;
    private final OverlapView overlap;
    private final PairSpectraView spectra;
    private final DistanceView distance;
    private final CompareTableView table;
    private final Slider epsilon = new Slider(0, 1, 0.5);
    private final Spinner<Integer> k = new Spinner<>(1, 100, 10);
    private final Spinner<Integer> columns = new Spinner<>(1, 128, CompareViewModel.DEFAULT_HEATMAP_COLUMNS);
    private final Spinner<Double> lambda = new Spinner<>(0.0, 4.0, 0.75, 0.05);

    public CompareView(CompareViewModel vm, WorkbenchViewModel workbench) {
        this.vm = vm;
        this.workbench = workbench;
        setId("compare-view");
        bars = new IntruderBarsView(vm, workbench);
        overlap = new OverlapView(vm, workbench);
        spectra = new PairSpectraView(vm, workbench);
        distance = new DistanceView(vm, workbench);
        table = new CompareTableView(vm);

        setTop(new VBox(inputsBar(), parametersBar()));

        TabPane details = new TabPane(tab("Overlap", overlap), tab("Spectra", spectra), tab("Distance", distance));
        details.setId("compare-details");
        details.setTabClosingPolicy(TabPane.TabClosingPolicy.UNAVAILABLE);
        SplitPane upper = new SplitPane(bars, details);
        upper.setDividerPositions(0.34);
        SplitPane centre = new SplitPane(upper, table);
        centre.setOrientation(Orientation.VERTICAL);
        centre.setDividerPositions(0.62);
        Label empty = EmptyHint.card("compare-empty", "Choose a base and a tuned checkpoint (or drop a LoRA adapter "
                + "folder here), then Compare.\nIntruder dimensions: top singular vectors of the fine-tuned matrix that match "
                + "no base vector (max |cos| < ε).", 560);
        StackPane emptyPane = new StackPane(empty);
        emptyPane.getStyleClass().add("compare-empty");
        emptyPane.visibleProperty().bind(Bindings.isEmpty(vm.results().rows()).and(vm.runningProperty().not()));
        emptyPane.setMouseTransparent(true);
        setCenter(new StackPane(centre, emptyPane));
        setBottom(statusLines());

        setOnDragOver(this::dragOver);
        setOnDragDropped(this::dragDropped);
    }

    /**
     * Adds the Compare tab to {@code window} and its items to the File menu: "Compare with
     * Folder…" (a LoRA adapter or a checkpoint folder) and "Compare with File…". Returns the view.
     */
    public static CompareView install(WorkbenchView window, WorkbenchViewModel workbench, CompareServices services) {
        CompareViewModel vm = new CompareViewModel(workbench, services);
        CompareView view = new CompareView(vm, workbench);
        Tab tab = window.addTab(view);
        MenuItem folder = new MenuItem("Compare with Folder (LoRA adapter or checkpoint)…");
        folder.setId("menu-compare-folder");
        folder.setAccelerator(new KeyCodeCombination(KeyCode.K, KeyCombination.SHORTCUT_DOWN));
        folder.setOnAction(e -> workbench.dialogs().chooseCheckpointFolder().ifPresent(p -> {
            window.tabs().getSelectionModel().select(tab);
            vm.compareWith(p);
        }));
        MenuItem file = new MenuItem("Compare with File…");
        file.setId("menu-compare-file");
        file.setOnAction(e -> workbench.dialogs().chooseCheckpointFile().ifPresent(p -> {
            window.tabs().getSelectionModel().select(tab);
            vm.compareWith(p);
        }));
        var items = window.menu("File").getItems();
        int at = Math.max(0, items.indexOf(items.stream().filter(i -> i instanceof SeparatorMenuItem).findFirst().orElse(null)));
        items.addAll(at == 0 ? items.size() : at, java.util.List.of(new SeparatorMenuItem(), folder, file));
        return view;
    }

    @Override
    public String title() {
        return "Compare";
    }

    @Override
    public Node content() {
        return this;
    }

    public CompareViewModel viewModel() {
        return vm;
    }

    private FlowPane inputsBar() {
        ComboBox<Path> base = new ComboBox<>(vm.baseChoices());
        base.setId("compare-base");
        base.setPromptText("open a checkpoint");
        base.setPrefWidth(220);
        // not a bidirectional binding: the combo resets its value to null when its items change
        base.setValue(vm.basePathProperty().get());
        base.valueProperty().addListener((o, a, b) -> {
            if (b != null && !b.equals(vm.basePathProperty().get())) {
                vm.basePathProperty().set(b);
            }
        });
        vm.basePathProperty().addListener((o, a, b) -> base.setValue(b));
        base.setConverter(new StringConverter<>() {
            @Override
            public String toString(Path p) {
                return p == null ? "" : CompareViewModel.fileName(p);
            }

            @Override
            public Path fromString(String s) {
                return s == null || s.isBlank() ? null : Path.of(s);
            }
        });
        base.setCellFactory(lv -> new ListCell<>() {
            @Override
            protected void updateItem(Path p, boolean empty) {
                super.updateItem(p, empty);
                setText(empty || p == null ? null : CompareViewModel.fileName(p));
                setTooltip(empty || p == null ? null : new Tooltip(p.toString()));
            }
        });
        Button openBase = new Button("Open base…");
        openBase.setOnAction(e -> workbench.dialogs().chooseCheckpointFolder().ifPresent(vm::openBase));

        Label tuned = new Label();
        tuned.setId("compare-tuned");
        tuned.setMinWidth(120);
        tuned.textProperty().bind(Bindings.createStringBinding(() -> vm.tunedPathProperty().get() == null
                ? "(none)" : CompareViewModel.fileName(vm.tunedPathProperty().get()), vm.tunedPathProperty()));
        tuned.getStyleClass().add("compare-path");
        MenuItem tunedFolder = new MenuItem("Folder: LoRA adapter or checkpoint…");
        tunedFolder.setOnAction(e -> workbench.dialogs().chooseCheckpointFolder().ifPresent(vm.tunedPathProperty()::set));
        MenuItem tunedFile = new MenuItem("Checkpoint file…");
        tunedFile.setOnAction(e -> workbench.dialogs().chooseCheckpointFile().ifPresent(vm.tunedPathProperty()::set));
        MenuButton chooseTuned = new MenuButton("Choose…", null, tunedFolder, tunedFile);
        chooseTuned.setId("compare-choose-tuned");

        Button compare = new Button("Compare");
        compare.setId("compare-run");
        compare.setDefaultButton(false);
        compare.disableProperty().bind(vm.basePathProperty().isNull().or(vm.tunedPathProperty().isNull()));
        compare.setOnAction(e -> vm.compare());
        Button cancel = new Button("Cancel");
        cancel.setId("compare-cancel");
        cancel.disableProperty().bind(vm.runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());

        FlowPane bar = new FlowPane(6, 4, bold("Base"), base, openBase, gap(), bold("Tuned"), tuned, chooseTuned, gap(),
                compare, cancel);
        bar.getChildren().forEach(n -> {
            if (n instanceof Region r) {
                r.setMinWidth(Region.USE_PREF_SIZE);
            }
        });
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(5, 8, 3, 8));
        bar.getStyleClass().add("compare-toolbar");
        return bar;
    }

    private FlowPane parametersBar() {
        epsilon.setId("compare-epsilon");
        epsilon.setPrefWidth(170);
        epsilon.setMajorTickUnit(0.25);
        epsilon.setShowTickMarks(true);
        epsilon.valueProperty().bindBidirectional(vm.results().epsilonProperty());
        Label epsValue = new Label();
        epsValue.setMinWidth(36);
        epsValue.textProperty().bind(Bindings.format(Locale.ROOT, "%.2f", vm.results().epsilonProperty()));
        Tooltip.install(epsilon, new Tooltip("Tuned vector j is an intruder when its best |cos| with any base vector, c_j, is below ε"));

        k.setId("compare-k");
        k.setEditable(true);
        k.setPrefWidth(80);
        k.getValueFactory().setValue(vm.results().kProperty().get());
        k.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.results().kProperty().set(b);
            }
        });
        vm.results().kProperty().addListener((o, a, b) -> k.getValueFactory().setValue(b.intValue()));
        k.setTooltip(new Tooltip("How many top singular vectors of the tuned matrix are examined (1–100)"));

        columns.setId("compare-columns");
        columns.setEditable(true);
        columns.setPrefWidth(80);
        SpinnerValueFactory.IntegerSpinnerValueFactory cf = (SpinnerValueFactory.IntegerSpinnerValueFactory) columns.getValueFactory();
        cf.maxProperty().bind(Bindings.max(1, vm.results().heatmapColumnsMaxProperty()));
        cf.setValue(vm.results().heatmapColumnsProperty().get());
        // the max bound arrives with the first result: re-apply the value it may have clamped
        vm.results().heatmapColumnsMaxProperty().addListener((o, a, b) -> cf.setValue(vm.results().heatmapColumnsProperty().get()));
        columns.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.results().heatmapColumnsProperty().set(b);
            }
        });
        vm.results().heatmapColumnsProperty().addListener((o, a, b) -> cf.setValue(b.intValue()));
        columns.setTooltip(new Tooltip("Base vectors N shown in the heatmap (up to what the analysis kept)"));

        Button json = new Button("JSON…");
        json.setId("compare-export-json");
        json.setOnAction(e -> workbench.dialogs().chooseSaveFile("Export intruders as JSON", vm.exportStem() + "-intruders.json", "json")
                .ifPresent(vm.exports()::exportJson));
        Button csv = new Button("CSV…");
        csv.setId("compare-export-csv");
        csv.setOnAction(e -> workbench.dialogs().chooseSaveFile("Export intruders as CSV", vm.exportStem() + "-intruders.csv", "csv")
                .ifPresent(vm.exports()::exportCsv));
        json.disableProperty().bind(Bindings.isEmpty(vm.results().rows()));
        csv.disableProperty().bind(Bindings.isEmpty(vm.results().rows()));

        lambda.setId("compare-lambda");
        lambda.setEditable(true);
        lambda.setPrefWidth(85);
        lambda.getValueFactory().setValue(vm.exports().lambdaProperty().get());
        lambda.valueProperty().addListener((o, a, b) -> {
            if (b != null) {
                vm.exports().lambdaProperty().set(b);
            }
        });
        lambda.setTooltip(new Tooltip("PEFT's mitigation: W_t + (λ − 1)·U_I Σ_I V_Iᵀ scales the intruder directions by λ"));
        Button mitigate = new Button("Mitigate & export…");
        mitigate.setId("compare-mitigate");
        mitigate.disableProperty().bind(Bindings.isEmpty(vm.results().rows()).or(vm.runningProperty()).or(vm.exports().mitigatingProperty()));
        mitigate.setOnAction(e -> workbench.dialogs().chooseSaveFile("Export mitigated checkpoint",
                vm.exportStem() + "-mitigated.safetensors", "safetensors").ifPresent(vm.exports()::exportMitigated));

        // each control stays with its label: a narrow window wraps whole groups, never "λ" away from its spinner
        FlowPane bar = new FlowPane(8, 4, group("compare-epsilon-group", bold("ε"), epsilon, epsValue), sep(),
                group("compare-k-group", bold("k"), k), sep(), group("compare-columns-group", bold("N"), columns), sep(),
                group("compare-export-group", new Label("Export"), json, csv), sep(),
                group("compare-lambda-group", bold("λ"), lambda, mitigate));
        bar.setAlignment(Pos.CENTER_LEFT);
        bar.setPadding(new Insets(2, 8, 5, 8));
        bar.getStyleClass().add("compare-toolbar");
        return bar;
    }

    private VBox statusLines() {
        Label message = new Label();
        message.setId("compare-message");
        message.textProperty().bind(vm.messageProperty());
        Label summary = new Label();
        summary.setId("compare-summary");
        summary.getStyleClass().add("hint");
        summary.textProperty().bind(vm.pairingSummaryProperty());
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        HBox first = new HBox(8, message, spacer, summary);
        first.setAlignment(Pos.CENTER_LEFT);
        Label notes = new Label();
        notes.setId("compare-notes");
        notes.getStyleClass().add("hint");
        notes.setWrapText(true);
        notes.textProperty().bind(Bindings.createStringBinding(() -> String.join("\n", vm.pairingNotes()), vm.pairingNotes()));
        notes.visibleProperty().bind(Bindings.isNotEmpty(vm.pairingNotes()));
        notes.managedProperty().bind(notes.visibleProperty());
        VBox box = new VBox(2, first, notes);
        box.setPadding(new Insets(3, 8, 3, 8));
        box.getStyleClass().add("compare-status");
        return box;
    }

    private static Tab tab(String title, Node content) {
        Tab t = new Tab(title, content);
        t.setId("compare-tab-" + title.toLowerCase(Locale.ROOT));
        return t;
    }

    private static Label bold(String text) {
        Label l = new Label(text);
        l.setStyle("-fx-font-weight: bold;");
        return l;
    }

    private static Region gap() {
        Region r = new Region();
        r.setMinWidth(10);
        return r;
    }

    private static Separator sep() {
        Separator s = new Separator(Orientation.VERTICAL);
        s.setPrefHeight(20);
        return s;
    }

    private void dragOver(DragEvent e) {
        if (e.getDragboard().hasFiles()) {
            e.acceptTransferModes(TransferMode.COPY, TransferMode.LINK);
            e.consume();
        }
    }

    private void dragDropped(DragEvent e) {
        if (e.getDragboard().hasFiles()) {
            vm.dropped(e.getDragboard().getFiles().stream().map(File::toPath).toList());
            e.setDropCompleted(true);
            e.consume();
        }
    }

    // ---- for tests and the window --------------------------------------------------------

    /** The per-layer intruder bar chart. */
    public org.jfree.chart.JFreeChart barChart() {
        return bars.chartPane().chart();
    }

    /** The |U_tᵀU₀| heatmap chart. */
    public org.jfree.chart.JFreeChart heatmapChart() {
        return overlap.heatmapPane().chart();
    }

    /** The ε slider. */
    public Slider epsilonSlider() {
        return epsilon;
    }
}
