package dev.rankscope.views.learn;

import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.workbench.WorkbenchTab;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.ListView;
import dev.rankscope.views.service.Theme;
import dev.rankscope.views.spectrum.ChartPane;
import dev.rankscope.views.spectrum.ChartTheme;
import javafx.beans.value.ObservableBooleanValue;
import javafx.beans.value.ObservableValue;
import javafx.scene.control.ScrollPane;
import javafx.scene.layout.BorderPane;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;


/**
 * The Learn tab: a panel selector on the left and one teaching panel at a time (each its own view
 * over its own ViewModel). Panels are built on first selection. FX thread only.
 */
public final class LearnView implements WorkbenchTab {
    private final LearnViewModel vm;
    private final DialogService dialogs;
    private final Consumer<String> openUrl;
    private final BorderPane root = new BorderPane();
    private final ListView<LearnViewModel.Panel> selector = new ListView<>();
    private final Map<LearnViewModel.Panel, Node> panels = new EnumMap<>(LearnViewModel.Panel.class);
    /** The built panels' content (inside their scroll panes), whose charts follow the theme. */
    private final List<Node> contents = new ArrayList<>();
    private Theme theme = Theme.LIGHT;

    /**
     * @param openUrl opens a paper's URL (the app passes HostServices::showDocument); the citation text is
     *                shown either way
     */
    public LearnView(LearnViewModel vm, DialogService dialogs, Consumer<String> openUrl) {
        this.vm = vm;
        this.dialogs = dialogs;
        this.openUrl = openUrl;
        root.setId("learn");
        selector.setId("learn-selector");
        selector.getItems().addAll(LearnViewModel.Panel.values());
        selector.setPrefWidth(165);
        selector.setMinWidth(140);
        BorderPane.setMargin(selector, new Insets(4));
        root.setLeft(selector);
        selector.getSelectionModel().selectedItemProperty().addListener((obs, o, n) -> {
            if (n != null) {
                vm.panelProperty().set(n);
            }
        });
        vm.panelProperty().addListener((obs, o, n) -> show(n));
        selector.getSelectionModel().select(vm.panelProperty().get());
        show(vm.panelProperty().get());
    }

    private void show(LearnViewModel.Panel panel) {
        if (selector.getSelectionModel().getSelectedItem() != panel) {
            selector.getSelectionModel().select(panel);
        }
        root.setCenter(panels.computeIfAbsent(panel, p -> {
            Node content = build(p);
            themeCharts(content);
            contents.add(content);
            return scroll(content);
        }));
    }

    private Node build(LearnViewModel.Panel panel) {
        return switch (panel) {
            case RANK_K -> new RankApproximationView(vm.rankApproximation(), vm.selectedLayerProperty(), dialogs,
                    vm.pictureExporter(dialogs), openUrl);
            case RANDOM_VS_TRAINED -> new RandomVsTrainedView(vm.randomVsTrained(), vm.selectedLayerProperty(),
                    vm.pictureExporter(dialogs), openUrl);
            case EFFECTIVE_RANK -> new EffectiveRankView(vm.effectiveRank(), openUrl);
            case INTRUDERS -> new IntruderDemoView(vm.intruders(), vm.pictureExporter(dialogs), openUrl);
        };
    }

    private static Node scroll(Node content) {
        ScrollPane sp = new ScrollPane(content);
        sp.setFitToWidth(true);
        sp.setFitToHeight(true);
        return sp;
    }

    /**
     * Makes the panels' charts follow the workbench theme ({@link ChartTheme}: background, grid,
     * axis text), now and on every change, including panels built later. FX thread only.
     */
    public void bindTheme(ObservableValue<Theme> themeProperty) {
        applyTheme(themeProperty.getValue());
        themeProperty.addListener((o, a, b) -> applyTheme(b));
    }

    private void applyTheme(Theme newTheme) {
        theme = newTheme == null ? Theme.LIGHT : newTheme;
        contents.forEach(this::themeCharts);
    }

    private void themeCharts(Node content) {
        for (Node n : content.lookupAll(".chart-pane")) {
            if (n instanceof ChartPane pane) {
                ChartTheme.apply(pane.chart(), theme);
            }
        }
    }

    /** Selects a panel (as the selector does). */
    public void select(LearnViewModel.Panel panel) {
        vm.panelProperty().set(panel);
    }

    /** The panel currently shown. */
    public Node currentPanel() {
        return panels.get(vm.panelProperty().get());
    }

    /** Computes for the selection only while the Learn tab is the workbench's selected tab. */
    @Override
    public void bindShown(ObservableBooleanValue shown) {
        vm.shownProperty().bind(shown);
    }

    @Override
    public String title() {
        return "Learn";
    }

    @Override
    public Node content() {
        return root;
    }

}
