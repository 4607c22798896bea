package dev.rankscope.views.compensate;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.views.layermap.LayerMapView;
import javafx.scene.layout.Region;
import java.util.Comparator;
import dev.rankscope.views.fx.EmptyHint;
import dev.rankscope.application.compensate.CompensateParameters;
import dev.rankscope.application.compensate.CompensateResult;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.layermap.ColorScale;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.engine.hub.HuggingFaceCache;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.ChartTheme;
import dev.rankscope.views.spectrum.DecadeLogAxis;
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
import javafx.scene.control.ScrollPane;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import dev.rankscope.application.render.RankCurveChart;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static dev.rankscope.views.fx.KeptTogether.group;
import static dev.rankscope.views.fx.KeptTogether.wrapping;

/**
 * The Quantize/Compensate tab (issue 16): a form (base model, in-tool scheme or quantized file,
 * calibration statistics, method), a layer map of ‖E‖/‖W‖ (layers × module types), the table of
 * every matrix with the rank needed for the target error and the rank at the budget, the error
 * spectrum σ(E) of the selected matrix, the quality-vs-rank curve of the exported adapter, the budget
 * slider and Export, and under them the Evaluate panel ({@link CompensationEvaluationPane}). Binds to a {@link CompensateViewModel} and a
 * {@link CompensationEvaluationViewModel}; FX thread only.
 */
public final class CompensateView implements WorkbenchTab {
    private final CompensateViewModel vm;
    private final CompensationEvaluationViewModel evaluation;
    private final BorderPane root = new BorderPane();
    /** Preferred width of a layer map column; columns narrow to their text in a narrow pane. */
    private static final double CELL_W = 64;
    /** The narrowest the charts beside the layer map get when the map takes room to show every column. */
    private static final double CHARTS_MIN_WIDTH = 240;
    /** Room for the split's divider (its position is the divider's centre). */
    private static final double DIVIDER_ALLOWANCE = 8;
    private final GridPane layerMap = new GridPane();
    private final XYSeriesCollection spectrum = new XYSeriesCollection();

    public CompensateView(CompensateViewModel vm, CompensationEvaluationViewModel evaluation, DialogService dialogs,
                          WorkbenchExecutors executors) {
        this.vm = vm;
        this.evaluation = evaluation;
        root.setId("compensate-view");
        root.setTop(form(dialogs));
        TableView<CompensateViewModel.Row> table = table();
        ChartPane chart = new ChartPane("compensate-spectrum", "Error spectrum σ(E)", chart(),
                "error-spectrum", dialogs, executors);
        layerMap.setHgap(2);
        layerMap.setVgap(2);
        layerMap.setPadding(new Insets(6));
        ScrollPane mapScroll = new ScrollPane(layerMap);
        mapScroll.setId("compensate-layermap");
        mapScroll.setFitToWidth(true);      // the hint wraps in the box; a wide map still scrolls sideways
        VBox.setVgrow(mapScroll, Priority.ALWAYS);
        VBox left = new VBox(4, new Label("Layer map: ‖E‖/‖W‖ in % per layer and module"), mapScroll);
        left.setPadding(new Insets(4));
        JFreeChart curveChart = RankCurveChart.chart();
        ChartPane curve = new ChartPane("compensate-curve", "Quality vs rank", curveChart, "quality-vs-rank", dialogs,
                executors);
        javafx.scene.control.TabPane charts = new javafx.scene.control.TabPane(
                new javafx.scene.control.Tab("Error spectrum", EmptyHint.over(chart, "compensate-spectrum-empty",
                        "Analyse, then click a cell of the layer map or a row of the table for that matrix's error spectrum.",
                        300, spectrumShown.not())),
                new javafx.scene.control.Tab("Quality vs rank", curve));
        charts.setId("compensate-charts");
        charts.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        evaluation.curveProperty().addListener((o, a, c) -> {
            RankCurveChart.show(curveChart, c);
            if (c != null) {
                charts.getSelectionModel().select(1);
            }
        });
        SplitPane top = new SplitPane(left, charts);
        top.setDividerPositions(0.5);
        keepEveryMapColumnInView(top, mapScroll);
        SplitPane centre = new SplitPane(top, table);
        centre.setOrientation(Orientation.VERTICAL);
        centre.setDividerPositions(0.5);
        root.setCenter(centre);
        root.setBottom(new VBox(budgetBar(dialogs), new CompensationEvaluationPane(evaluation, vm.exportedProperty(), dialogs)));
        vm.analysisProperty().addListener((o, a, r) -> drawLayerMap(r));
        drawLayerMap(vm.analysisProperty().get());
        vm.selectedProperty().addListener((o, a, id) -> drawSpectrum(id));
        vm.analysisProperty().addListener((o, a, r) -> drawSpectrum(vm.selectedProperty().get()));
    }

    @Override
    public String title() {
        return "Quantize";
    }

    @Override
    public Node content() {
        return root;
    }

    /** The Evaluate panel's ViewModel. */
    public CompensationEvaluationViewModel evaluationViewModel() {
        return evaluation;
    }

    /** The ViewModel (for wiring the workbench's open checkpoint). */
    public CompensateViewModel viewModel() {
        return vm;
    }

    private Node form(DialogService dialogs) {
        Label base = new Label();
        base.textProperty().bind(Bindings.createStringBinding(() -> {
            Path b = vm.baseProperty().get();
            return b == null ? "(none)" : HuggingFaceCache.snapshotName(b).orElse(b.getFileName().toString());
        }, vm.baseProperty()));
        Button chooseBase = new Button("…");
        chooseBase.setTooltip(new Tooltip("Choose the base (float) model"));
        chooseBase.setOnAction(e -> dialogs.chooseCheckpointFile().ifPresent(vm.baseProperty()::set));
        ComboBox<String> scheme = new ComboBox<>();
        scheme.setId("compensate-scheme");
        scheme.setEditable(true);
        scheme.getItems().setAll("int8", "int8-asym", "int4", "int4-g128", "int4-g64", "int4-g32", "int4-g128-asym", "nf4");
        scheme.valueProperty().bindBidirectional(vm.schemeProperty());
        Label quantized = new Label();
        quantized.textProperty().bind(Bindings.createStringBinding(() -> vm.quantizedFileProperty().get() == null
                ? "in-tool" : vm.quantizedFileProperty().get().getFileName().toString(), vm.quantizedFileProperty()));
        scheme.disableProperty().bind(vm.quantizedFileProperty().isNotNull());
        Button chooseQuantized = new Button("Quantized file…");
        chooseQuantized.setMinWidth(Button.USE_PREF_SIZE);
        chooseQuantized.setOnAction(e -> dialogs.chooseCheckpointFile().ifPresent(vm.quantizedFileProperty()::set));
        Button inTool = new Button("In-tool");
        inTool.setOnAction(e -> vm.quantizedFileProperty().set(null));
        Label stats = new Label();
        stats.textProperty().bind(Bindings.createStringBinding(() -> vm.statsProperty().get() == null ? "no statistics"
                : vm.statsProperty().get().getFileName().toString(), vm.statsProperty()));
        Button chooseStats = new Button("Statistics…");
        chooseStats.setOnAction(e -> dialogs.chooseCheckpointFile().ifPresent(vm.statsProperty()::set));
        ComboBox<CompensateParameters.Method> method = new ComboBox<>();
        method.getItems().setAll(CompensateParameters.Method.values());
        method.valueProperty().bindBidirectional(vm.methodProperty());
        Button analyse = new Button("Analyse");
        analyse.setId("compensate-analyse");
        analyse.setDefaultButton(true);
        analyse.disableProperty().bind(vm.runningProperty());
        analyse.setOnAction(e -> vm.analyse());
        scheme.setPrefWidth(150);
        // groups wrap one by one in a narrow tab (1280×800 with the explorer and the details panel open)
        FlowPane models = wrapping(group("compensate-base-group", new Label("Base:"), base, chooseBase),
                group(null, new Label("Scheme:"), scheme),
                group(null, new Label("or"), quantized, chooseQuantized, inTool));
        FlowPane run = wrapping(group(null, new Label("Calibration:"), stats, chooseStats),
                group(null, new Label("Method:"), method, analyse));
        Label status = new Label();
        status.setId("compensate-status");
        status.setWrapText(true);
        status.textProperty().bind(vm.statusProperty());
        VBox box = new VBox(4, models, run, status);
        box.setPadding(new Insets(6));
        return box;
    }

    private TableView<CompensateViewModel.Row> table() {
        TableView<CompensateViewModel.Row> t = new TableView<>(vm.rows());
        Label empty = new Label("Analyse lists every matrix here: its quantization error and the LoRA rank that "
                + "compensates it.");
        empty.setWrapText(true);
        empty.setMaxWidth(420);
        t.setPlaceholder(empty);
        t.setId("compensate-table");
        t.getColumns().add(column("matrix", CompensateViewModel.Row::id, 300));
        t.getColumns().add(column("shape", CompensateViewModel.Row::shape, 80));
        TableColumn<CompensateViewModel.Row, Double> err = column("‖E‖/‖W‖", CompensateViewModel.Row::relativeError, 80);
        err.setCellFactory(c -> percentCell());
        t.getColumns().add(err);
        t.getColumns().add(column("erank E", r -> String.format(Locale.ROOT, "%.1f", r.effectiveRank()), 70));
        t.getColumns().add(column("rank for target", CompensateViewModel.Row::rankForTarget, 100));
        t.getColumns().add(column("rank at budget", CompensateViewModel.Row::rank, 100));
        TableColumn<CompensateViewModel.Row, Double> res = column("residual", CompensateViewModel.Row::residual, 80);
        res.setCellFactory(c -> percentCell());
        t.getColumns().add(res);
        t.getColumns().add(column("note", CompensateViewModel.Row::note, 420));
        dev.rankscope.views.fx.ReadableColumns.apply(t);       // headers whole ("rank for target" at 1280×800)
        t.getSelectionModel().selectedItemProperty().addListener((o, a, r) -> {
            if (r != null) {
                vm.selectedProperty().set(r.id());
            }
        });
        return t;
    }

    private static <T> TableColumn<CompensateViewModel.Row, T> column(String title,
            java.util.function.Function<CompensateViewModel.Row, T> value, double width) {
        TableColumn<CompensateViewModel.Row, T> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new javafx.beans.property.ReadOnlyObjectWrapper<>(value.apply(cell.getValue())));
        c.setPrefWidth(width);
        return c;
    }

    private static javafx.scene.control.TableCell<CompensateViewModel.Row, Double> percentCell() {
        return new javafx.scene.control.TableCell<>() {
            @Override
            protected void updateItem(Double v, boolean empty) {
                super.updateItem(v, empty);
                setText(empty || v == null || v.isNaN() ? null : String.format(Locale.ROOT, "%.3f%%", 100 * v));
            }
        };
    }

    private Node budgetBar(DialogService dialogs) {
        Slider slider = new Slider(0, 1, 0);
        slider.setId("compensate-budget");
        vm.analysisProperty().addListener((o, a, r) -> {
            slider.setMax(Math.max(1, vm.maxBudget()));
            slider.setValue(vm.budgetProperty().get());
        });
        slider.valueProperty().addListener((o, a, v) -> {
            if (!slider.isValueChanging() || Math.abs(v.doubleValue() - vm.budgetProperty().get()) > slider.getMax() / 50) {
                vm.budgetProperty().set(Math.round(v.doubleValue()));
            }
        });
        slider.valueChangingProperty().addListener((o, was, is) -> {
            if (!is) {
                vm.budgetProperty().set(Math.round(slider.getValue()));
            }
        });
        Label summary = new Label();
        summary.setId("compensate-summary");
        summary.textProperty().bind(Bindings.createStringBinding(() -> summary(), vm.ranksProperty(), vm.budgetProperty()));
        TextField target = new TextField();
        target.setPrefColumnCount(5);
        target.setText(String.format(Locale.ROOT, "%.3g", vm.targetErrorProperty().get()));
        target.setTooltip(new Tooltip("Target residual ‖E − B·A‖/‖W‖ for the 'rank for target' column"));
        target.setOnAction(e -> {
            try {
                vm.targetErrorProperty().set(Double.parseDouble(target.getText().trim()));
            } catch (NumberFormatException ex) {
                dialogs.showError("Quantize/Compensate", "the target error must be a number such as 0.01");
            }
        });
        Button export = new Button("Export adapter…");
        export.setId("compensate-export");
        export.disableProperty().bind(vm.runningProperty().or(vm.analysisProperty().isNull()));
        export.setOnAction(e -> dialogs.chooseOutputFolder("Export the compensation adapter into a folder")
                .ifPresent(vm::export));
        slider.setPrefWidth(240);
        // the summary is a group of its own, so it moves to the next line rather than past the tab's side
        FlowPane bar = wrapping(group(null, new Label("LoRA budget:"), slider), group(null, summary),
                group(null, new Label("target:"), target, export));
        bar.setPadding(new Insets(6));
        return bar;
    }

    private String summary() {
        long params = 0;
        CompensateResult r = vm.analysisProperty().get();
        if (r != null) {
            Map<String, Integer> ranks = vm.ranksProperty().get();
            for (CompensateResult.MatrixRow m : r.matrices()) {
                params += (long) ranks.getOrDefault(m.id(), 0) * (m.rows() + m.cols());
            }
        }
        double mean = vm.rows().stream().filter(CompensateViewModel.Row::compensated)
                .mapToDouble(CompensateViewModel.Row::residual).average().orElse(Double.NaN);
        return String.format(Locale.ROOT, "%,d parameters (%.2f MiB f32), mean residual %s", params,
                params * 4 / 1048576.0, Double.isNaN(mean) ? "–" : String.format(Locale.ROOT, "%.3f%%", 100 * mean));
    }

    private void drawLayerMap(CompensateResult r) {
        layerMap.getChildren().clear();
        layerMap.getColumnConstraints().clear();
        if (r == null) {
            layerMap.add(EmptyHint.line("compensate-layermap-empty",
                    "Analyse to map each matrix's quantization error here; click a cell for its error spectrum."), 0, 0);
            return;
        }
        TreeSet<Integer> layers = new TreeSet<>();
        // columns in the Layer map tab's order (q k v o … embed lm_head), not alphabetical
        TreeSet<String> modules = new TreeSet<>(Comparator.comparing((String l) -> ModuleType.fromLabel(l).ordinal())
                .thenComparing(Comparator.naturalOrder()));
        Map<String, CompensateResult.MatrixRow> cell = new TreeMap<>();
        double max = 0;
        for (CompensateResult.MatrixRow m : r.matrices()) {
            layers.add(m.layer());
            modules.add(m.moduleType());
            cell.putIfAbsent(m.layer() + "/" + m.moduleType(), m);
            max = Math.max(max, m.relativeError());
        }
        // the row labels' column keeps its text's width; the module columns narrow alike (the Layer map tab's look)
        layerMap.getColumnConstraints().add(new javafx.scene.layout.ColumnConstraints());
        int c = 1;
        for (String mod : modules) {
            Label header = new Label(mod);
            header.getStyleClass().add("layermap-header");
            header.setPadding(new Insets(0, 2, 0, 2));      // neighbours' names apart when the columns narrow
            header.setMinWidth(Region.USE_PREF_SIZE);
            layerMap.add(header, c++, 0);
            layerMap.getColumnConstraints().add(LayerMapView.narrowingColumn(CELL_W));
        }
        int rowIndex = 1;
        for (int layer : layers) {
            Label rowLabel = new Label(layer < 0 ? "model" : Integer.toString(layer));
            rowLabel.getStyleClass().add("layermap-row-label");
            rowLabel.setMinWidth(Region.USE_PREF_SIZE);
            layerMap.add(rowLabel, 0, rowIndex);
            int col = 1;
            for (String mod : modules) {
                CompensateResult.MatrixRow m = cell.get(layer + "/" + mod);
                Label box = new Label(m == null ? "" : percent(m.relativeError()));
                box.getStyleClass().add("layermap-value");
                box.setMinSize(Region.USE_PREF_SIZE, 22);
                box.setMaxWidth(Double.MAX_VALUE);
                box.setPadding(new Insets(0, 3, 0, 3));
                box.setAlignment(Pos.CENTER);
                if (m != null) {
                    Color colour = ColorScale.at(max == 0 ? 0 : m.relativeError() / max);
                    box.setBackground(new javafx.scene.layout.Background(new javafx.scene.layout.BackgroundFill(colour, null, null)));
                    // inline style: the themes' label colours must not override the contrast choice (as in the Layer map tab)
                    box.setStyle(ColorScale.prefersDarkText(colour) ? "-fx-text-fill: #111111;" : "-fx-text-fill: white;");
                    box.setTooltip(new Tooltip(m.id() + String.format(Locale.ROOT, "\n‖E‖/‖W‖ = %.3f %%",
                            100 * m.relativeError())));
                    box.setOnMouseClicked(e -> vm.selectedProperty().set(m.id()));
                }
                layerMap.add(box, col++, rowIndex);
            }
            rowIndex++;
        }
    }

    /**
     * A relative error as a percentage with three significant digits and no unit ("11.9", "0.47"; the map's
     * title says "in %"): four characters, so that eight module columns fit the map's pane at 1280×800.
     */
    static String percent(double relativeError) {
        double p = 100 * relativeError;
        String format = p >= 99.95 ? "%.0f" : p >= 9.995 ? "%.1f" : "%.2f";
        return String.format(Locale.ROOT, format, p);
    }

    /**
     * Moves the divider between the layer map and the charts right just far enough that the map needs no sideways
     * scroll bar (its columns already narrowed to their text), as long as the charts keep {@link #CHARTS_MIN_WIDTH};
     * it never moves the divider left. At 1280×800 the map's pane was ~290 px and scrolled sideways.
     */
    private static void keepEveryMapColumnInView(SplitPane split, ScrollPane mapScroll) {
        javafx.beans.InvalidationListener fit = o -> {
            // the map's narrowest width (every column at its text), not its current one: a first layout pass with a
            // still empty viewport must not push the divider over
            double view = mapScroll.getViewportBounds().getWidth();
            double missing = mapScroll.getContent().minWidth(-1) - view;
            double width = split.getWidth();
            if (missing <= 0.01 || view <= 0 || width <= 0) {
                return;
            }
            double position = split.getDividerPositions()[0];
            double wanted = Math.min(1 - (CHARTS_MIN_WIDTH + DIVIDER_ALLOWANCE) / width, position + (Math.ceil(missing) + 2) / width);
            if (wanted > position + 1e-4) {
                split.setDividerPosition(0, wanted);
            }
        };
        mapScroll.viewportBoundsProperty().addListener(fit);
        mapScroll.getContent().layoutBoundsProperty().addListener(fit);
    }

    private JFreeChart chart() {
        NumberAxis x = new NumberAxis("index i");
        LogAxis y = new DecadeLogAxis("σ(E)");
        XYPlot plot = new XYPlot(spectrum, x, y, new XYLineAndShapeRenderer(true, false));
        return new JFreeChart(null, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
    }

    /** Whether the error-spectrum chart shows a matrix (else a hint card lies over it). */
    private final javafx.beans.property.BooleanProperty spectrumShown = new javafx.beans.property.SimpleBooleanProperty();

    private void drawSpectrum(String id) {
        double[] s = vm.errorSigma(id);
        XYSeries series = new XYSeries(id == null ? "σ(E)" : id);
        for (int i = 0; i < s.length; i++) {
            if (s[i] > 0) {
                series.add(i + 1, s[i]);
            }
        }
        spectrum.removeAllSeries();
        spectrum.addSeries(series);
        spectrumShown.set(series.getItemCount() > 0);
    }

    /**
     * Creates the tab for the workbench, adds it, and makes its base model follow the checkpoint of
     * the matrix selected in the explorer. FX thread only.
     */
    public static CompensateView install(WorkbenchView window, WorkbenchViewModel workbench) {
        WorkbenchExecutors ex = workbench.executors();
        CompensateView view = new CompensateView(new CompensateViewModel(workbench.dialogs(), ex.work(), ex.ui()),
                new CompensationEvaluationViewModel(workbench.runner(), ex.ui()), workbench.dialogs(), ex);
        workbench.currentProperty().addListener((o, a, entry) -> {
            if (entry != null) {
                workbench.checkpointOf(entry).ifPresent(c -> view.vm.baseProperty().set(c.opened().path()));
            }
        });
        window.addTab(view);
        ChartTheme.follow(view.content(), workbench.themeProperty());
        return view;
    }
}
