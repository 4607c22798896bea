package dev.rankscope.views.series;

import dev.rankscope.views.fx.EmptyHint;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.render.SeriesCharts;
import dev.rankscope.application.sweep.SeriesPlots;
import dev.rankscope.application.sweep.SeriesQuantity;
import dev.rankscope.application.sweep.SeriesSweepTask;
import dev.rankscope.application.sweep.SweepJob;
import dev.rankscope.application.sweep.SweepResult;
import dev.rankscope.application.workbench.CacheControl;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.ChartTheme;
import dev.rankscope.views.workbench.WorkbenchTab;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.binding.Bindings;
import javafx.collections.FXCollections;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.util.StringConverter;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The Series tab (issue 17 item 1): the series list with order and compute options on the left
 * ({@link SeriesListPane}); on the right the chart choices, the trajectory chart (a quantity
 * against the step) above the layer × checkpoint heatmap, each exported as PNG/SVG through its
 * {@link ChartPane}; Table CSV/Parquet export; a status line and the list of unmatched matrices,
 * failures and notes at the bottom. Added to the window with {@link #install}. FX thread only.
 */
public final class SeriesView extends BorderPane implements WorkbenchTab {
    private final SeriesViewModel vm;
    private final ChartPane trajectories;
    private final ChartPane heatmap;

    public SeriesView(SeriesViewModel vm, WorkbenchViewModel workbench) {
        this.vm = vm;
        setId("series-view");
        SeriesChartsModel charts = vm.charts();
        // charts are never written onto or into an open checkpoint nor a checkpoint of the series
        PictureExporter exporter = new PictureExporter(workbench.dialogs(), workbench.executors(), () -> {
            List<Path> inputs = new ArrayList<>(workbench.inputs());
            vm.members().forEach(m -> inputs.add(Path.of(m.path())));
            return inputs;
        });
        trajectories = new ChartPane("series-trajectories", "Trajectories", empty(), "series-trajectories", exporter);
        heatmap = new ChartPane("series-heatmap", "Heatmap", empty(), "series-heatmap", exporter);
        charts.trajectoriesProperty().addListener((o, a, t) -> trajectories.setChart(
                t == null ? empty() : SeriesCharts.trajectories(t)));
        charts.heatmapProperty().addListener((o, a, h) -> heatmap.setChart(
                h == null ? empty() : SeriesCharts.heatmap(h)));
        ComboBox<String> module = new ComboBox<>(charts.modules());
        module.setId("series-heatmap-module");
        module.valueProperty().bindBidirectional(charts.heatmapModuleProperty());
        module.setTooltip(new Tooltip("The module type whose layers are the heatmap's rows"));
        HBox heatmapBar = new HBox(6, new Label("Heatmap of module type"), module);
        heatmapBar.setAlignment(Pos.CENTER_LEFT);
        heatmapBar.setPadding(new Insets(4, 6, 2, 6));
        VBox heatmapBox = new VBox(heatmapBar, heatmap);
        VBox.setVgrow(heatmap, Priority.ALWAYS);
        // the tab's one "how to start" hint (the list and the status line do not repeat it), over the empty
        // trajectory chart: centred over both charts it sat across their divider
        Label emptyNote = EmptyHint.card("series-empty", "Open a series: File ▸ Open Series… (a folder of checkpoints "
                + "or a rankscope sweep output folder) or File ▸ Open Series from Files… (several checkpoints or a list "
                + "file).", 520);
        emptyNote.visibleProperty().bind(vm.resultProperty().isNull().and(vm.runningProperty().not()));
        StackPane trajectoriesBox = new StackPane(trajectories, emptyNote);
        SplitPane centre = new SplitPane(trajectoriesBox, heatmapBox);
        centre.setOrientation(Orientation.VERTICAL);
        centre.setDividerPositions(0.55);
        BorderPane right = new BorderPane(centre);
        right.setTop(choices(charts));
        HBox exports = new HBox(6, tableButton("series-export-csv", "Table CSV…", SeriesTableExport.Format.CSV, "csv",
                workbench.dialogs()), tableButton("series-export-parquet", "Table Parquet…", SeriesTableExport.Format.PARQUET,
                "parquet", workbench.dialogs()));
        SplitPane main = new SplitPane(new SeriesListPane(vm, exports), right);
        main.setDividerPositions(0.24);
        SplitPane.setResizableWithParent(main.getItems().get(0), false);
        setCenter(main);
        setBottom(messages());
        ChartTheme.follow(this, workbench.themeProperty());
    }

    private FlowPane choices(SeriesChartsModel charts) {
        ComboBox<SeriesQuantity> quantity = new ComboBox<>(charts.quantities());
        quantity.setId("series-quantity");
        quantity.valueProperty().bindBidirectional(charts.quantityProperty());
        quantity.setTooltip(new Tooltip("What is plotted: a metric of each matrix, an update metric of ΔW, or intruders vs the first"));
        ComboBox<SeriesPlots.ScopeKind> kind = new ComboBox<>(FXCollections.observableArrayList(SeriesPlots.ScopeKind.values()));
        kind.setId("series-scope-kind");
        kind.valueProperty().bindBidirectional(charts.scopeKindProperty());
        kind.setConverter(converter(k -> switch (k) {
            case MATRIX -> "one matrix";
            case MODULE -> "module type (line per layer)";
            case LAYER -> "layer (line per module)";
        }));
        ComboBox<String> value = new ComboBox<>(charts.scopeValues());
        value.setId("series-scope");
        value.valueProperty().bindBidirectional(charts.scopeValueProperty());
        value.setPrefWidth(220);
        FlowPane row = new FlowPane(8, 6, new Label("Plot"), quantity, new Label("for"), kind, value);
        row.setAlignment(Pos.CENTER_LEFT);
        row.setPadding(new Insets(6));
        return row;
    }

    private Button tableButton(String id, String text, SeriesTableExport.Format format, String extension,
                               DialogService dialogs) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip("Export the long table (one row per checkpoint × matrix) as rankscope sweep writes it"));
        b.disableProperty().bind(vm.resultProperty().isNull());
        b.setOnAction(e -> {
            dialogs.chooseSaveFile("Export the series table", "series." + extension, extension)
                    .ifPresent(target -> vm.exportTable(format, target));
        });
        return b;
    }

    private VBox messages() {
        Label status = new Label();
        status.setId("series-status");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());
        ListView<String> lines = new ListView<>();
        lines.setId("series-messages");
        lines.setPrefHeight(90);
        vm.resultProperty().addListener((o, a, r) -> lines.getItems().setAll(messageLines(r)));
        lines.visibleProperty().bind(Bindings.isNotEmpty(lines.getItems()));
        lines.managedProperty().bind(lines.visibleProperty());
        VBox box = new VBox(4, status, lines);
        box.setPadding(new Insets(4, 6, 4, 6));
        return box;
    }

    private static List<String> messageLines(SweepResult r) {
        List<String> out = new ArrayList<>();
        if (r != null) {
            r.unmatched().forEach(u -> out.add("not compared: " + u));
            r.failures().forEach(f -> out.add("failed: " + f));
            r.notes().forEach(n -> out.add("note: " + n));
        }
        return out;
    }

    private static JFreeChart empty() {
        JFreeChart c = new JFreeChart(new XYPlot());
        c.removeLegend();
        return c;
    }

    private static <T> StringConverter<T> converter(java.util.function.Function<T, String> text) {
        return new StringConverter<>() {
            @Override
            public String toString(T t) {
                return t == null ? "" : text.apply(t);
            }

            @Override
            public T fromString(String s) {
                return null;
            }
        };
    }

    public SeriesViewModel viewModel() {
        return vm;
    }

    /** The trajectory chart's pane (tests read its chart). */
    public ChartPane trajectoriesPane() {
        return trajectories;
    }

    /** The heatmap chart's pane. */
    public ChartPane heatmapPane() {
        return heatmap;
    }

    @Override
    public String title() {
        return "Series";
    }

    @Override
    public Node content() {
        return this;
    }

    /**
     * Adds the Series tab to {@code window} and two File menu items before the first separator:
     * "Open Series…" (a folder: checkpoints, or a sweep's output) and "Open Series from Files…"
     * (several checkpoints or a list file). Runs use the workbench's spectrum cache and engine setting.
     */
    public static SeriesView install(WorkbenchView window, WorkbenchViewModel workbench) {
        Path cache = workbench.spectrumCache().map(CacheControl::folder).orElse(null);
        SweepJob job = new SweepJob(new AnalyzeJob(new AnalyzeJob.Environment(Backends::select, cache, null,
                java.time.Clock.systemUTC())));
        Backends.Preference engine = workbench.settings().enginePreference();
        SeriesViewModel vm = new SeriesViewModel(new SeriesViewModel.Services(r -> new SeriesSweepTask(job, r), engine,
                cache != null, workbench::track), workbench.runner(), workbench.executors().ui());
        SeriesView view = new SeriesView(vm, workbench);
        Tab tab = window.addTab(view);
        MenuItem folder = new MenuItem("Open Series…");
        folder.setId("menu-open-series");
        folder.setOnAction(e -> workbench.dialogs().chooseSeriesFolder().ifPresent(p -> {
            window.tabs().getSelectionModel().select(tab);
            vm.open(List.of(p));
        }));
        MenuItem files = new MenuItem("Open Series from Files…");
        files.setId("menu-open-series-files");
        files.setOnAction(e -> {
            List<Path> chosen = workbench.dialogs().chooseSeriesFiles();
            if (!chosen.isEmpty()) {
                window.tabs().getSelectionModel().select(tab);
                vm.open(chosen);
            }
        });
        var items = window.menu("File").getItems();
        int at = items.indexOf(items.stream().filter(i -> i instanceof SeparatorMenuItem).findFirst().orElse(null));
        items.addAll(at < 0 ? items.size() : at, List.of(new SeparatorMenuItem(), folder, files));
        return view;
    }
}
