package dev.rankscope.views.explorer;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.views.model.Metric;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.workbench.CheckpointModel;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.collections.ListChangeListener;
import javafx.collections.MapChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.SelectionMode;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The model explorer (left pane): a filter box (regex) and module-type chooser above a tree
 * checkpoint → layer → matrix. Each matrix row shows its module, shape, dtype and a badge with
 * the chosen metric. Multi-select (Ctrl/Shift-click) selects matrices everywhere; the tree also
 * follows selections made elsewhere. FX thread only.
 */
public final class ExplorerView extends VBox {

    /** Prefixes that only wrap the model ({@code model.} in Llama-style, {@code transformer.} in GPT-2-style names). */
    private static final List<String> ROOT_WRAPPERS = List.of("model.", "transformer.");

    private final ExplorerViewModel vm;
    private final WorkbenchViewModel workbench;
    private final TextField filter = new TextField();
    private final ComboBox<ModuleType> moduleBox = new ComboBox<>();
    private final TreeView<Object> tree = new TreeView<>(new TreeItem<>("root"));
    {
        tree.getRoot().setExpanded(true);
    }
    private final Map<MatrixEntry, TreeItem<Object>> leaves = new HashMap<>();
    private boolean syncing;

    /** A layer node's value. */
    record LayerGroup(CheckpointModel checkpoint, int layer, int count) {
        @Override
        public String toString() {
            return layer >= 0 ? "layer " + layer : "outside the blocks";
        }
    }

    public ExplorerView(ExplorerViewModel vm) {
        this.vm = vm;
        this.workbench = vm.workbench();
        getStyleClass().add("explorer");
        setId("explorer");

        filter.setId("explorer-filter");
        filter.setPromptText("Filter names (regex)…  Ctrl+F");
        filter.textProperty().bindBidirectional(vm.filterTextProperty());
        vm.filterValidProperty().addListener((o, a, ok) -> filter.pseudoClassStateChanged(
                javafx.css.PseudoClass.getPseudoClass("invalid"), !ok));
        filter.setTooltip(new Tooltip("Case-insensitive regular expression over matrix names, e.g. layers\\.(1|2)\\..*proj"));

        moduleBox.setId("explorer-module");
        moduleBox.getItems().add(null);
        moduleBox.getItems().addAll(ModuleType.values());
        moduleBox.setPromptText("all modules");
        moduleBox.setButtonCell(moduleCell());
        moduleBox.setCellFactory(l -> moduleCell());
        moduleBox.valueProperty().bindBidirectional(vm.moduleFilterProperty());
        moduleBox.setMaxWidth(Double.MAX_VALUE);
        HBox.setHgrow(filter, Priority.ALWAYS);
        HBox filters = new HBox(6, filter, moduleBox);
        filters.setPadding(new Insets(6));
        filters.setAlignment(Pos.CENTER_LEFT);

        tree.setId("explorer-tree");
        tree.setShowRoot(false);
        tree.getSelectionModel().setSelectionMode(SelectionMode.MULTIPLE);
        tree.setCellFactory(t -> new ExplorerCell());
        tree.widthProperty().addListener((o, a, b) -> tree.refresh());
        VBox.setVgrow(tree, Priority.ALWAYS);
        getChildren().addAll(filters, tree);

        vm.visibleMatrices().addListener((ListChangeListener<MatrixEntry>) c -> rebuild());
        workbench.analyses().addListener((MapChangeListener<MatrixEntry, MatrixAnalysis>) c -> tree.refresh());
        workbench.metricProperty().addListener((o, a, b) -> tree.refresh());
        tree.getSelectionModel().getSelectedItems().addListener((ListChangeListener<TreeItem<Object>>) c -> pushSelection());
        workbench.selection().addListener((ListChangeListener<MatrixEntry>) c -> pullSelection());
        workbench.currentProperty().addListener((o, a, b) -> pullSelection());
        rebuild();
    }

    /** Puts the caret in the filter box (Edit ▸ Find). */
    public void focusFilter() {
        filter.requestFocus();
        filter.selectAll();
    }

    TreeView<Object> tree() {
        return tree;
    }

    private void rebuild() {
        syncing = true;
        try {
            Map<CheckpointModel, Map<Integer, List<MatrixEntry>>> grouped = new LinkedHashMap<>();
            for (CheckpointModel cp : workbench.checkpoints()) {
                grouped.put(cp, new LinkedHashMap<>());
            }
            for (MatrixEntry e : vm.visibleMatrices()) {
                workbench.checkpointOf(e).ifPresent(cp -> grouped.get(cp)
                        .computeIfAbsent(e.name().hasLayer() ? e.name().layer() : -1, k -> new ArrayList<>()).add(e));
            }
            boolean filtering = !vm.filterTextProperty().get().isBlank() || vm.moduleFilterProperty().get() != null;
            leaves.clear();
            List<TreeItem<Object>> roots = new ArrayList<>();
            for (Map.Entry<CheckpointModel, Map<Integer, List<MatrixEntry>>> cp : grouped.entrySet()) {
                TreeItem<Object> cpItem = new TreeItem<>(cp.getKey());
                cpItem.setExpanded(true);
                List<Integer> layers = new ArrayList<>(cp.getValue().keySet());
                layers.sort(Integer::compare);
                for (int layer : layers) {
                    List<MatrixEntry> entries = cp.getValue().get(layer);
                    TreeItem<Object> layerItem = new TreeItem<>(new LayerGroup(cp.getKey(), layer, entries.size()));
                    layerItem.setExpanded(filtering || layers.size() <= 2);
                    Map<String, TreeItem<Object>> byId = new HashMap<>();
                    for (MatrixEntry e : entries) {
                        TreeItem<Object> leaf = new TreeItem<>(e);
                        leaves.put(e, leaf);
                        byId.put(e.id(), leaf);
                        // a part (tensor#q, tensor#q#head1) hangs under the matrix it is cut from, when that is shown
                        int cut = e.id().lastIndexOf(NameParser.PART);
                        TreeItem<Object> parent = cut < 0 ? null : byId.get(e.id().substring(0, cut));
                        (parent == null ? layerItem : parent).getChildren().add(leaf);
                    }
                    cpItem.getChildren().add(layerItem);
                }
                roots.add(cpItem);
            }
            tree.getRoot().getChildren().setAll(roots);
        } finally {
            syncing = false;
        }
        pullSelection();
    }

    /** Tree selection → workbench (matrix rows only; a layer row selects its matrices). */
    private void pushSelection() {
        if (syncing) {
            return;
        }
        List<MatrixEntry> entries = new ArrayList<>();
        for (TreeItem<Object> item : List.copyOf(tree.getSelectionModel().getSelectedItems())) {
            if (item == null) {
                continue;
            }
            if (item.getValue() instanceof MatrixEntry e) {
                entries.add(e);
            } else if (item.getValue() instanceof LayerGroup) {
                item.getChildren().forEach(ch -> entries.add((MatrixEntry) ch.getValue()));
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        TreeItem<Object> focused = tree.getSelectionModel().getSelectedItem();
        MatrixEntry primary = focused != null && focused.getValue() instanceof MatrixEntry e ? e : entries.get(0);
        syncing = true;
        try {
            workbench.select(entries, primary);
        } finally {
            syncing = false;
        }
    }

    /** Workbench selection → tree (expanding layers so the rows are visible). */
    private void pullSelection() {
        if (syncing) {
            return;
        }
        syncing = true;
        try {
            var sm = tree.getSelectionModel();
            sm.clearSelection();
            TreeItem<Object> currentItem = null;
            for (MatrixEntry e : workbench.selection()) {
                TreeItem<Object> leaf = leaves.get(e);
                if (leaf == null) {
                    continue;
                }
                for (TreeItem<Object> p = leaf.getParent(); p != null; p = p.getParent()) {
                    p.setExpanded(true);
                }
                sm.select(leaf);
                if (e.equals(workbench.getCurrent())) {
                    currentItem = leaf;
                }
            }
            if (currentItem != null) {
                int row = tree.getRow(currentItem);
                if (row >= 0) {
                    tree.getFocusModel().focus(row);
                    tree.scrollTo(Math.max(0, row - 3));
                }
            }
        } finally {
            syncing = false;
        }
    }

    private static ListCell<ModuleType> moduleCell() {
        return new ListCell<>() {
            @Override
            protected void updateItem(ModuleType item, boolean empty) {
                super.updateItem(item, empty);
                setText(empty ? null : item == null ? "all modules" : item.label());
            }
        };
    }

    /** Renders checkpoint, layer and matrix rows. */
    private final class ExplorerCell extends TreeCell<Object> {
        private final Label name = new Label();
        private final Label shape = new Label();
        private final Label dtype = new Label();
        private final Label badge = new Label();
        private final Region spacer = new Region();
        private final HBox row = new HBox(6, name, spacer, shape, dtype, badge);

        ExplorerCell() {
            name.getStyleClass().add("row-name");
            shape.getStyleClass().add("row-shape");
            dtype.getStyleClass().add("row-dtype");
            badge.getStyleClass().add("badge");
            HBox.setHgrow(spacer, Priority.ALWAYS);
            row.setAlignment(Pos.CENTER_LEFT);
            name.setMinWidth(64);
            shape.setMinWidth(Region.USE_PREF_SIZE);
            dtype.setMinWidth(Region.USE_PREF_SIZE);
            badge.setMinWidth(Region.USE_PREF_SIZE);
        }

        /**
         * Fits the row to the visible width so shape, dtype and badge stay in view (the name
         * truncates): the tree width less 18 px of disclosure indent per level, the cell padding
         * (8 px) and room for a vertical scroll bar (14 px), shown or not.
         */
        private void fitWidth() {
            int level = getTreeView().getTreeItemLevel(getTreeItem());
            double width = getTreeView().getWidth() - 18 * Math.max(0, level) - 22;
            row.setPrefWidth(Math.max(120, width));
            row.setMaxWidth(Math.max(120, width));
        }

        @Override
        protected void updateItem(Object item, boolean empty) {
            super.updateItem(item, empty);
            getStyleClass().removeAll("checkpoint-row", "layer-row", "matrix-row");
            if (empty || item == null) {
                setText(null);
                setGraphic(null);
                setTooltip(null);
                return;
            }
            setText(null);
            if (item instanceof CheckpointModel cp) {
                getStyleClass().add("checkpoint-row");
                name.setText(cp.displayName());
                shape.setText(cp.opened().format());
                dtype.setText("");
                badge.setText(cp.getAnalysed() + "/" + cp.matrices().size()
                        + (cp.getApproximate() > 0 ? " (≈" + cp.getApproximate() + ")" : ""));
                badge.setVisible(true);
                setTooltip(new Tooltip(cp.opened().path() + "\n" + cp.getState()));
            } else if (item instanceof LayerGroup g) {
                getStyleClass().add("layer-row");
                name.setText(g.toString());
                shape.setText(g.count() + " matrices");
                dtype.setText("");
                badge.setText("");
                badge.setVisible(false);
                setTooltip(null);
            } else if (item instanceof MatrixEntry e) {
                getStyleClass().add("matrix-row");
                String shortName = rowName(e);
                if (e.ref().slice() >= 0) {
                    shortName += "[" + e.ref().slice() + "]";
                }
                name.setText(shortName);
                shape.setText(e.ref().shapeString());
                dtype.setText(e.dtype().name());
                MatrixAnalysis a = workbench.analysis(e);
                Metric metric = workbench.metricProperty().get();
                badge.setText(a == null ? "…" : metric.formatOf(a));
                badge.setVisible(true);
                setTooltip(new Tooltip(e.id() + "\n" + metric.label() + ": " + badge.getText()
                        + (a != null && a.spectrum().approximate() ? "\n≈ approximate (top " + a.spectrum().sigma().length
                        + " singular values, quick preview); exact values follow" : "")));
            }
            fitWidth();
            setGraphic(row);
        }
    }

    /**
     * The name shown in a matrix row: the last component inside a layer ({@code q_proj}); outside
     * the blocks the module name without the wrapper prefix every Hugging Face causal LM carries
     * ({@code model.embed_tokens} shows as {@code embed_tokens}), so it is not cut to "model…" in
     * a narrow explorer. The tooltip keeps the full tensor name.
     */
    static String rowName(MatrixEntry e) {
        String mn = e.name().moduleName();
        int dot = mn.lastIndexOf('.');
        if (e.name().hasLayer()) {
            return dot >= 0 ? mn.substring(dot + 1) : mn;
        }
        for (String wrapper : ROOT_WRAPPERS) {
            if (mn.startsWith(wrapper) && mn.length() > wrapper.length()) {
                return mn.substring(wrapper.length());
            }
        }
        return mn;
    }
}
