package dev.rankscope.views.settings;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.application.workbench.QuickPreview;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.Scene;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.control.TitledPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.VBox;
import javafx.stage.Modality;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.StringConverter;

import java.util.Locale;

/**
 * The settings window (Edit ▸ Settings…) over a {@link SettingsViewModel}: spectrum cache folder,
 * size, size limit and a Clear button that asks for confirmation inline, the MP fit and
 * {@code min_evals} of the next analyses, the quick-preview mode, the engine
 * and the worker threads (the last two apply at the next start). Non-modal so the workbench stays
 * usable. FX thread only.
 */
public final class SettingsView {
    private final SettingsViewModel vm;
    private final VBox root = new VBox(10);

    public SettingsView(SettingsViewModel vm) {
        this.vm = vm;
        root.setId("settings");
        root.setPadding(new Insets(12));
        root.getChildren().addAll(cacheSection(), metricsSection(), previewSection(), engineSection(), closeRow());
    }

    private TitledPane cacheSection() {
        Label folder = new Label();
        folder.setId("settings-cache-folder");
        folder.textProperty().bind(vm.cacheFolderProperty());
        folder.setWrapText(true);
        Label size = new Label();
        size.setId("settings-cache-size");
        size.textProperty().bind(vm.cacheSizeProperty());
        Button clear = new Button("Clear cache…");
        clear.setId("settings-clear-cache");
        clear.setDisable(!vm.hasCache());
        Label question = new Label();
        Button confirm = new Button("Delete");
        confirm.setId("settings-clear-confirm");
        Button keep = new Button("Keep");
        keep.setId("settings-clear-cancel");
        HBox confirmRow = new HBox(8, question, confirm, keep);
        confirmRow.setId("settings-clear-question");
        confirmRow.setAlignment(Pos.CENTER_LEFT);
        confirmRow.setVisible(false);
        confirmRow.managedProperty().bind(confirmRow.visibleProperty());
        clear.setOnAction(e -> {
            question.setText("Delete every cached spectrum (" + vm.cacheSizeProperty().get()
                    + ")? They are recomputed when needed.");
            confirmRow.setVisible(true);
        });
        confirm.setOnAction(e -> {
            confirmRow.setVisible(false);
            vm.clearCache();
        });
        keep.setOnAction(e -> confirmRow.setVisible(false));
        vm.busyProperty().addListener((o, a, b) -> clear.setDisable(b || !vm.hasCache()));

        GridPane grid = grid();
        grid.addRow(0, new Label("Folder"), folder);
        grid.addRow(1, new Label("Size on disk"), new HBox(12, size, clear));
        grid.addRow(2, new Label("Size limit"), limitRow());
        VBox box = new VBox(8, grid, confirmRow,
                hint("Exact spectra are cached so reopening a checkpoint is instant; approximate previews never are."));
        return section("Spectrum cache", box);
    }

    /** The limit as text (2G, 500M, 1.5 GiB), applied on Enter or Apply; a refused text shows why beside it. */
    private HBox limitRow() {
        TextField limit = new TextField(vm.cacheLimitProperty().get());
        limit.setId("settings-cache-limit");
        limit.setPrefColumnCount(8);
        vm.cacheLimitProperty().addListener((o, a, b) -> limit.setText(b));
        Button apply = new Button("Apply");
        apply.setId("settings-cache-limit-apply");
        limit.setOnAction(e -> vm.applyCacheLimit(limit.getText()));
        apply.setOnAction(e -> vm.applyCacheLimit(limit.getText()));
        Label error = new Label();
        error.setId("settings-cache-limit-error");
        error.getStyleClass().add("field-error");
        error.textProperty().bind(vm.cacheLimitErrorProperty());
        HBox row = new HBox(8, limit, apply, error);
        row.setAlignment(Pos.CENTER_LEFT);
        return row;
    }

    private TitledPane metricsSection() {
        ChoiceBox<AnalysisParameters.MpMode> mode = new ChoiceBox<>();
        mode.setId("settings-mp-fit");
        mode.getItems().setAll(AnalysisParameters.MpMode.values());
        mode.setConverter(new StringConverter<>() {
            @Override
            public String toString(AnalysisParameters.MpMode m) {
                return m == null ? "" : switch (m) {
                    case FIT -> "WeightWatcher fit (ww)";
                    case GRID -> "Grid search (grid)";
                    case QUICK -> "Quick: s² = mean eigenvalue (quick)";
                    case OFF -> "Off";
                };
            }

            @Override
            public AnalysisParameters.MpMode fromString(String s) {
                throw new UnsupportedOperationException("choice box only");
            }
        });
        mode.valueProperty().bindBidirectional(vm.mpFitProperty());
        Spinner<Integer> minEvals = new Spinner<>(0, 1_000_000, vm.minEvalsProperty().get());
        minEvals.setId("settings-min-evals");
        minEvals.setEditable(true);
        minEvals.valueProperty().addListener((o, a, b) -> vm.minEvalsProperty().set(b == null ? 0 : b));
        GridPane grid = grid();
        grid.addRow(0, new Label("Marchenko–Pastur fit"), mode);
        grid.addRow(1, new Label("Minimum eigenvalues (min_evals)"), minEvals);
        return section("Metrics", new VBox(8, grid, hint("As the CLI's --mp-fit and --min-evals: matrices with fewer "
                + "eigenvalues get no power-law and no MP fit. Apply to analyses started from now on (checkpoints "
                + "opened later, report exports); cached spectra are reused.")));
    }

    private TitledPane previewSection() {
        ChoiceBox<QuickPreview> mode = new ChoiceBox<>();
        mode.setId("settings-quick-preview");
        mode.getItems().setAll(QuickPreview.values());
        mode.valueProperty().bindBidirectional(vm.quickPreviewProperty());
        GridPane grid = grid();
        grid.addRow(0, new Label("Quick preview (approximate top-64)"), mode);
        return section("Quick preview", new VBox(8, grid, hint(String.format(Locale.ROOT,
                "Shows the top 64 singular values of each matrix within seconds (randomised, marked ≈), then the "
                        + "exact values. \"For large checkpoints\": when Σ m·n·min(m,n) ≥ %.0e. Needs the native engine; "
                        + "applies to checkpoints opened from now on.", QuickPreview.LARGE_WORK))));
    }

    private TitledPane engineSection() {
        ChoiceBox<Backends.Preference> engine = new ChoiceBox<>();
        engine.setId("settings-engine");
        engine.getItems().setAll(Backends.Preference.values());
        engine.setConverter(new StringConverter<>() {
            @Override
            public String toString(Backends.Preference p) {
                return p == null ? "" : switch (p) {
                    case AUTO -> "Automatic (native when available)";
                    case NATIVE -> "Native OpenBLAS/LAPACK";
                    case JAVA -> "Pure Java (ojAlgo)";
                };
            }

            @Override
            public Backends.Preference fromString(String s) {
                throw new UnsupportedOperationException("choice box only");
            }
        });
        engine.valueProperty().bindBidirectional(vm.engineProperty());
        Spinner<Integer> threads = new Spinner<>(0, 256, vm.workerThreadsProperty().get());
        threads.setId("settings-threads");
        threads.setEditable(true);
        threads.valueProperty().addListener((o, a, b) -> vm.workerThreadsProperty().set(b == null ? 0 : b));
        GridPane grid = grid();
        grid.addRow(0, new Label("SVD engine"), engine);
        grid.addRow(1, new Label("Worker threads (0 = automatic)"), threads);
        return section("Engine", new VBox(8, grid, hint("Apply at the next start; -Drankscope.engine and "
                + "-Drankscope.parallelism override them.")));
    }

    private HBox closeRow() {
        Button close = new Button("Close");
        close.setId("settings-close");
        close.setDefaultButton(true);
        close.setOnAction(e -> {
            if (root.getScene() != null && root.getScene().getWindow() instanceof Stage s) {
                s.close();
            }
        });
        HBox row = new HBox(close);
        row.setAlignment(Pos.CENTER_RIGHT);
        return row;
    }

    private static GridPane grid() {
        GridPane g = new GridPane();
        g.setHgap(10);
        g.setVgap(6);
        return g;
    }

    private static Label hint(String text) {
        Label l = new Label(text);
        l.getStyleClass().add("hint");
        l.setWrapText(true);
        l.setMaxWidth(460);
        return l;
    }

    private static TitledPane section(String title, javafx.scene.Node content) {
        TitledPane p = new TitledPane(title, content);
        p.setCollapsible(false);
        return p;
    }

    /** The content, for embedding and tests. */
    public VBox root() {
        return root;
    }

    /** Shows the settings in their own non-modal window owned by {@code owner}, styled like it. */
    public Stage show(Window owner) {
        Stage stage = new Stage();
        stage.setTitle("Settings");
        if (owner != null) {
            stage.initOwner(owner);
        }
        stage.initModality(Modality.NONE);
        Scene scene = new Scene(root);
        if (owner != null && owner.getScene() != null) {
            scene.getStylesheets().setAll(owner.getScene().getStylesheets());
        }
        stage.setScene(scene);
        stage.show();
        return stage;
    }
}
