package dev.rankscope.views.subspaces;

import dev.rankscope.analysis.subspace.JointDecomposition;
import dev.rankscope.analysis.subspace.Side;
import dev.rankscope.application.subspaces.SubspacesJob;
import dev.rankscope.application.subspaces.SubspacesResult;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.fx.EmptyHint;
import dev.rankscope.views.fx.ReadableColumns;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.ChartTheme;
import dev.rankscope.views.workbench.WorkbenchTab;
import dev.rankscope.views.workbench.WorkbenchView;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.binding.Bindings;
import javafx.beans.binding.ObjectBinding;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelWriter;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The Subspaces tab (SPEC §11): a form, the layer × layer overlap heatmap of the chosen side
 * (click a cell → that pair's principal-angle curve cos θ_i against i), the group table (shared
 * vs separate parameters at the target error) and exports (heatmap PNG/SVG from its context menu,
 * the curve PNG/SVG, JSON and CSV as the CLI writes them). FX thread only.
 */
public final class SubspacesView extends BorderPane implements WorkbenchTab {
    private static final double HEATMAP_SIDE = 360;
    private final SubspacesViewModel vm;
    private final DialogService dialogs;
    private final WorkbenchExecutors executors;
    private final ImageView heatmap = new ImageView();
    private final Label heatmapCaption = new Label("Run a comparison to see the overlaps.");
    private final XYSeries cosines = new XYSeries("cos θ");
    private final JFreeChart curve;
    private final TableView<SubspacesResult.Group> groupTable = new TableView<>();
    private final XYSeries groupError = new XYSeries("stacked");
    private JFreeChart groupCurve;
    /** Whether the principal-angles chart shows a pair, and the group chart a group (else a hint card lies over it). */
    private final javafx.beans.property.BooleanProperty pairShown = new javafx.beans.property.SimpleBooleanProperty();
    private final javafx.beans.property.BooleanProperty groupShown = new javafx.beans.property.SimpleBooleanProperty();

    public SubspacesView(SubspacesViewModel vm, DialogService dialogs, WorkbenchExecutors executors) {
        this.vm = vm;
        this.dialogs = dialogs;
        this.executors = executors;
        setId("subspaces-view");
        setPadding(new Insets(6));
        setTop(form());

        heatmap.setId("subspaces-heatmap");
        heatmap.setFitWidth(HEATMAP_SIDE);
        heatmap.setFitHeight(HEATMAP_SIDE);
        heatmap.setPreserveRatio(true);
        heatmap.setSmooth(false);
        heatmap.setOnMouseClicked(e -> {
            List<String> axis = vm.axis(vm.sideProperty().get());
            if (heatmap.getImage() == null || axis.isEmpty()) {
                return;
            }
            double cell = heatmap.getBoundsInLocal().getWidth() / axis.size();
            vm.selectCell((int) (e.getY() / cell), (int) (e.getX() / cell));
        });
        new PictureExporter(dialogs, executors).install(heatmap, "subspace-overlaps",
                () -> PictureExporter.raster(heatmap.getImage(), heatmapCaption.getText()));
        ComboBox<Side> side = new ComboBox<>();
        side.setId("subspaces-side");
        side.getItems().addAll(Side.LEFT, Side.RIGHT);
        side.valueProperty().bindBidirectional(vm.sideProperty());
        side.setConverter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Side v) {
                return v == null ? "" : v.label() + (v == Side.LEFT ? " (column spaces, U)" : " (row spaces, V)");
            }

            @Override
            public Side fromString(String s) {
                return s.startsWith("left") ? Side.LEFT : Side.RIGHT;
            }
        });
        heatmapCaption.setWrapText(true);
        heatmapCaption.setMaxWidth(HEATMAP_SIDE);
        VBox left = new VBox(6, new HBox(6, new Label("Side"), side), heatmapCaption, new StackPane(heatmap));
        left.setPadding(new Insets(4));

        curve = ChartFactory.createXYLineChart(null, "index i", "cos θ", new XYSeriesCollection(cosines),
                PlotOrientation.VERTICAL, false, true, false);
        curve.getXYPlot().getRangeAxis().setRange(0, 1.02);
        ChartPane curvePane = new ChartPane("subspaces-angles", "Principal angles", curve,
                "principal-angles", dialogs, executors);

        groupCurve = ChartFactory.createXYLineChart(null, "shared rank k", "relative error of the stacked group",
                new XYSeriesCollection(groupError), PlotOrientation.VERTICAL, false, true, false);
        groupCurve.getXYPlot().getRangeAxis().setRange(0, 1.02);
        ChartPane groupPane = new ChartPane("subspaces-group-spectrum", "Group spectrum", groupCurve,
                "group-spectrum", dialogs, executors);
        javafx.scene.control.TabPane charts = new javafx.scene.control.TabPane(
                new javafx.scene.control.Tab("Angles", EmptyHint.over(curvePane, "subspaces-angles-empty",
                        "Compare, then click a cell of the overlap map for the principal angles between those two "
                                + "matrices' subspaces.", 220, pairShown.not())),
                new javafx.scene.control.Tab("Group spectrum", EmptyHint.over(groupPane, "subspaces-group-empty",
                        "Compare with groups (adjacent:N, experts or kv), then click a group in the table for its "
                                + "stacked spectrum.", 220, groupShown.not())));
        charts.setId("subspaces-charts");
        charts.setTabClosingPolicy(javafx.scene.control.TabPane.TabClosingPolicy.UNAVAILABLE);
        groupTable.getSelectionModel().selectedItemProperty().addListener((o, a, g) -> {
            showGroup(g);
            if (g != null) {
                charts.getSelectionModel().select(1);
            }
        });
        vm.selectedPairProperty().addListener((o, a, p) -> {
            if (p != null) {
                charts.getSelectionModel().select(0);
            }
        });
        SplitPane centre = new SplitPane(left, charts);
        centre.setDividerPositions(0.42);
        groupTable.setId("subspaces-groups");
        groupTable.setPlaceholder(new Label("Groups appear here (choose adjacent:N, experts or kv)."));
        groupTable.getColumns().addAll(List.of(
                column("Group", g -> g.joint().ids().size() <= 3
                        ? String.join(", ", g.joint().ids().stream().map(SubspacesView::shortName).toList())
                        : shortName(g.joint().ids().get(0)) + " … " + shortName(g.joint().ids().get(g.joint().ids().size() - 1))
                        + " (" + g.joint().ids().size() + ")"),
                column("Stacked", g -> g.joint().stacking().label()),
                column("Shared rank", g -> Integer.toString(g.joint().sharedRank())),
                column("Shared params", g -> String.format(Locale.ROOT, "%,d", g.joint().sharedParams())),
                column("Separate params", g -> String.format(Locale.ROOT, "%,d", g.joint().separateParams())),
                column("Dense", g -> String.format(Locale.ROOT, "%,d", g.joint().denseParams())),
                column("Saved", g -> saved(g.joint()))));
        groupTable.setPrefHeight(180);
        groupTable.getColumns().get(0).setPrefWidth(300);
        ReadableColumns.apply(groupTable); // headers whole at 1280×800 ("Share…", "Separ…"); the table scrolls instead
        groupTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        SplitPane vertical = new SplitPane(centre, groupTable);
        vertical.setOrientation(Orientation.VERTICAL);
        vertical.setDividerPositions(0.72);
        setCenter(vertical);
        setBottom(statusLine());

        vm.resultProperty().addListener((o, a, r) -> refresh());
        vm.sideProperty().addListener((o, a, b) -> refresh());
        vm.selectedPairProperty().addListener((o, a, p) -> showPair(p));
    }

    /** A matrix id without the {@code model.} wrapper and the {@code .weight} suffix, for captions and cells. */
    static String shortName(String id) {
        String s = id.startsWith("model.") ? id.substring("model.".length()) : id;
        return s.endsWith(".weight") ? s.substring(0, s.length() - ".weight".length()) : s;
    }

    private static String saved(JointDecomposition.Result j) {
        return String.format(Locale.ROOT, "%.1f %%", 100.0 * j.savedParams() / Math.max(1, j.separateParams()));
    }

    private static TableColumn<SubspacesResult.Group, String> column(String title,
                                                                  java.util.function.Function<SubspacesResult.Group, String> f) {
        TableColumn<SubspacesResult.Group, String> c = new TableColumn<>(title);
        c.setCellValueFactory(cell -> new ReadOnlyStringWrapper(f.apply(cell.getValue())));
        return c;
    }

    private Node form() {
        ComboBox<String> module = new ComboBox<>();
        module.setId("subspaces-module");
        module.setEditable(true);
        module.getItems().addAll("q", "k", "v", "o", "gate", "up", "down");
        module.valueProperty().bindBidirectional(vm.moduleProperty());
        module.setTooltip(new Tooltip("A module type, or a regular expression found in the matrix names (e.g. k_proj)"));
        module.setPrefWidth(110);
        TextField k = new TextField();
        k.setId("subspaces-k");
        k.setPromptText("by energy");
        k.setPrefColumnCount(6);
        k.textProperty().bindBidirectional(vm.kProperty());
        TextField energy = number(vm.energyProperty(), "subspaces-energy");
        ComboBox<String> groups = new ComboBox<>();
        groups.setId("subspaces-groups-mode");
        groups.setEditable(true);
        groups.getItems().addAll("none", "adjacent:2", "adjacent:4", "experts", "kv");
        groups.valueProperty().bindBidirectional(vm.groupsProperty());
        groups.setPrefWidth(120);
        TextField target = number(vm.targetErrorProperty(), "subspaces-target");
        Button run = new Button("Compare");
        run.setId("subspaces-run");
        run.setDefaultButton(true);
        run.setOnAction(e -> vm.run());
        Button cancel = new Button("Cancel");
        cancel.setId("subspaces-cancel");
        cancel.disableProperty().bind(vm.runningProperty().not());
        cancel.setOnAction(e -> vm.cancel());
        Button json = new Button("Export JSON…");
        json.setId("subspaces-export-json");
        json.disableProperty().bind(vm.resultProperty().isNull());
        json.setOnAction(e -> save("subspaces.json", "json", vm.json()));
        Button csv = new Button("Export CSV…");
        csv.setId("subspaces-export-csv");
        csv.disableProperty().bind(vm.resultProperty().isNull());
        csv.setOnAction(e -> save("subspaces.csv", "csv", vm.pairsCsv()));
        FlowPane form = new FlowPane(8, 6, labelled("Module", module), labelled("k", k), labelled("Energy τ", energy),
                labelled("Groups", groups), labelled("Target error ε", target), run, cancel, json, csv);
        form.setPadding(new Insets(0, 0, 6, 0));
        return form;
    }

    private static Node labelled(String text, Node control) {
        HBox box = new HBox(4, new Label(text), control);
        box.setAlignment(javafx.geometry.Pos.CENTER_LEFT);
        return box;
    }

    private static TextField number(javafx.beans.property.DoubleProperty property, String id) {
        TextField f = new TextField(Double.toString(property.get()));
        f.setId(id);
        f.setPrefColumnCount(5);
        f.textProperty().addListener((o, a, b) -> {
            try {
                property.set(Double.parseDouble(b.trim()));
            } catch (NumberFormatException ignored) {
                // keep the last valid value until the text parses
            }
        });
        return f;
    }

    private Node statusLine() {
        ProgressBar bar = new ProgressBar();
        bar.progressProperty().bind(vm.progressProperty());
        bar.visibleProperty().bind(vm.runningProperty());
        Label status = new Label();
        status.setId("subspaces-status");
        status.textProperty().bind(vm.statusProperty());
        status.setWrapText(true);
        HBox.setHgrow(status, Priority.ALWAYS);
        HBox line = new HBox(8, bar, status);
        line.setPadding(new Insets(4, 0, 0, 0));
        return line;
    }

    private void refresh() {
        Side s = vm.sideProperty().get();
        List<String> axis = vm.axis(s);
        SubspacesResult r = vm.resultProperty().get();
        groupTable.getItems().setAll(r == null ? List.of() : r.groups());
        showGroup(null);
        showPair(null);
        if (axis.isEmpty()) {
            heatmap.setImage(null);
            heatmapCaption.setText(r == null ? "Run a comparison to see the overlaps."
                    : "No pair was compared on the " + s.label() + " side.");
            return;
        }
        double[] m = vm.overlapMatrix(s);
        int n = axis.size();
        int cell = Math.max(1, (int) (HEATMAP_SIDE / n));
        WritableImage img = new WritableImage(n * cell, n * cell);
        PixelWriter w = img.getPixelWriter();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Color c = colour(m[i * n + j]);
                for (int y = 0; y < cell; y++) {
                    for (int x = 0; x < cell; x++) {
                        w.setColor(j * cell + x, i * cell + y, c);
                    }
                }
            }
        }
        heatmap.setImage(img);
        heatmapCaption.setText(String.format(Locale.ROOT, "Overlap ‖UₐᵀU_b‖²/k of the %s singular subspaces, %d matrices "
                + "(%s … %s); white 0, dark red 1. Click a cell.", s.label(), n, shortName(axis.get(0)), shortName(axis.get(n - 1))));
    }

    /** Sequential white → dark red for overlap in [0, 1]; grey where not compared. */
    static Color colour(double v) {
        if (!Double.isFinite(v)) {
            return Color.gray(0.85);
        }
        double t = Math.max(0, Math.min(1, v));
        return Color.color(1 - 0.45 * t, 1 - 0.95 * t, 1 - 0.95 * t);
    }

    private void showPair(SubspacesResult.Pair p) {
        cosines.clear();
        pairShown.set(p != null && p.cosines().length > 0);
        if (p == null) {
            curve.setTitle((String) null);
            return;
        }
        double[] c = p.cosines();
        for (int i = 0; i < c.length; i++) {
            cosines.add(i + 1, c[i]);
        }
        curve.setTitle(String.format(Locale.ROOT, "%s vs %s (%s, k = %d, overlap %.3f)", shortName(p.a()), shortName(p.b()), p.side().label(),
                p.k(), p.overlap()));
        curve.getTitle().setFont(curve.getTitle().getFont().deriveFont(11f));
    }

    /**
     * The chosen group's stacked spectrum as the relative error sqrt(Σ_{j>k} σ_j² / Σσ²) of a
     * shared basis of rank k, with the shared rank at the target error in the title.
     */
    private void showGroup(SubspacesResult.Group g) {
        groupError.clear();
        groupShown.set(g != null);
        if (g == null) {
            groupCurve.setTitle((String) null);
            return;
        }
        JointDecomposition.Result j = g.joint();
        double[] sigma = j.stackedSigma();
        double[] tail = JointDecomposition.tailEnergy(sigma);
        for (int k = 0; k <= sigma.length; k++) {
            groupError.add(k, tail[0] > 0 ? Math.sqrt(tail[k] / tail[0]) : 0);
        }
        groupCurve.setTitle(String.format(Locale.ROOT, "%s … %s: shared rank %d at ε = %.3g (%,d vs %,d separate)",
                shortName(j.ids().get(0)), shortName(j.ids().get(j.ids().size() - 1)), j.sharedRank(), j.targetError(),
                j.sharedParams(), j.separateParams()));
        groupCurve.getTitle().setFont(groupCurve.getTitle().getFont().deriveFont(11f));
    }

    private void save(String suggested, String extension, String text) {
        if (text == null) {
            return;
        }
        dialogs.chooseSaveFile("Export " + extension.toUpperCase(Locale.ROOT), suggested, extension)
                .ifPresent(target -> vm.export(target, text));
    }

    @Override
    public String title() {
        return "Subspaces";
    }

    @Override
    public Node content() {
        return this;
    }

    public SubspacesViewModel viewModel() {
        return vm;
    }

    /** Adds the Subspaces tab to {@code window}, comparing within the checkpoint of the current matrix. */
    public static SubspacesView install(WorkbenchView window, WorkbenchViewModel workbench) {
        ObjectBinding<Path> checkpoint = Bindings.createObjectBinding(() -> {
            var entry = workbench.getCurrent();
            if (entry != null) {
                var model = workbench.checkpointOf(entry);
                if (model.isPresent()) {
                    return model.get().opened().path();
                }
            }
            return workbench.checkpoints().isEmpty() ? null : workbench.checkpoints().get(0).opened().path();
        }, workbench.currentProperty(), workbench.checkpoints());
        SubspacesViewModel vm = new SubspacesViewModel(checkpoint, workbench.runner(), workbench.executors().ui(),
                new SubspacesJob()::task, workbench::track);
        SubspacesView view = new SubspacesView(vm, workbench.dialogs(), workbench.executors());
        window.addTab(view);
        ChartTheme.follow(view.content(), workbench.themeProperty());
        return view;
    }
}
