package dev.rankscope.views.fx;

import dev.rankscope.engine.hub.HuggingFaceCache;
import dev.rankscope.views.service.DialogService;
import dev.rankscope.views.charts.ChartSizeForm;
import dev.rankscope.application.render.ChartSize;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.scene.control.Alert;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.Dialog;
import javafx.scene.control.DialogPane;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.GridPane;
import javafx.scene.control.ButtonType;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@link DialogService} with JavaFX dialogs owned by the main window. Errors are shown
 * non-blocking ({@code show()}, not {@code showAndWait()}) so no caller waits on the user. File
 * choosers remember the last folder. FX thread only.
 */
public final class FxDialogService implements DialogService {
    private final Supplier<Window> owner;
    private File lastFolder;

    public FxDialogService(Supplier<Window> owner) {
        this.owner = owner;
    }

    @Override
    public void showError(String title, String message) {
        Alert alert = new Alert(Alert.AlertType.ERROR, message, ButtonType.OK);
        alert.setTitle(title);
        alert.setHeaderText(title);
        alert.getDialogPane().setId("error-dialog");
        alert.getDialogPane().setMinWidth(460);
        alert.initModality(Modality.NONE);
        Window w = owner.get();
        if (w != null) {
            alert.initOwner(w);
            alert.getDialogPane().getStylesheets().setAll(w.getScene().getStylesheets());
        }
        alert.show();
    }

    @Override
    public Optional<Path> chooseCheckpointFile() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open checkpoint");
        fc.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Checkpoints", "*.safetensors", "*.json", "*.gguf", "*.bin", "*.pt", "*.pth",
                        "*.onnx", "*.npy", "*.npz"),
                new FileChooser.ExtensionFilter("All files", "*"));
        if (lastFolder != null && lastFolder.isDirectory()) {
            fc.setInitialDirectory(lastFolder);
        }
        return remember(fc.showOpenDialog(owner.get()));
    }

    @Override
    public Optional<Path> chooseCheckpointFolder() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open checkpoint folder");
        if (lastFolder != null && lastFolder.isDirectory()) {
            dc.setInitialDirectory(lastFolder);
        }
        File f = dc.showDialog(owner.get());
        if (f != null) {
            lastFolder = f.getParentFile();
        }
        return Optional.ofNullable(f).map(File::toPath);
    }

    @Override
    public Optional<Path> chooseOutputFolder(String title) {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle(title);
        if (lastFolder != null && lastFolder.isDirectory()) {
            dc.setInitialDirectory(lastFolder);
        }
        return remember(dc.showDialog(owner.get()));
    }

    @Override
    public Optional<Path> chooseTextFile(String title) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        fc.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("Text", "*.txt", "*.text", "*.md"),
                new FileChooser.ExtensionFilter("All files", "*"));
        if (lastFolder != null && lastFolder.isDirectory()) {
            fc.setInitialDirectory(lastFolder);
        }
        return remember(fc.showOpenDialog(owner.get()));
    }

    @Override
    public Optional<Path> chooseSeriesFolder() {
        DirectoryChooser dc = new DirectoryChooser();
        dc.setTitle("Open series: a folder of checkpoints or a rankscope sweep output folder");
        if (lastFolder != null && lastFolder.isDirectory()) {
            dc.setInitialDirectory(lastFolder);
        }
        return remember(dc.showDialog(owner.get()));
    }

    @Override
    public List<Path> chooseSeriesFiles() {
        FileChooser fc = new FileChooser();
        fc.setTitle("Open series: several checkpoints, or one list file");
        fc.getExtensionFilters().addAll(
                new FileChooser.ExtensionFilter("Checkpoints and list files", "*.safetensors", "*.gguf", "*.bin", "*.pt",
                        "*.pth", "*.onnx", "*.npy", "*.npz", "*.txt", "*.list"),
                new FileChooser.ExtensionFilter("All files", "*"));
        if (lastFolder != null && lastFolder.isDirectory()) {
            fc.setInitialDirectory(lastFolder);
        }
        List<File> files = fc.showOpenMultipleDialog(owner.get());
        if (files == null || files.isEmpty()) {
            return List.of();
        }
        remember(files.get(0));
        return files.stream().map(File::toPath).toList();
    }

    @Override
    public Optional<Path> chooseSaveFile(String title, String suggestedName, String extension) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        fc.setInitialFileName(suggestedName);
        fc.getExtensionFilters().add(new FileChooser.ExtensionFilter(extension.toUpperCase(java.util.Locale.ROOT), "*." + extension));
        if (lastFolder != null && lastFolder.isDirectory()) {
            fc.setInitialDirectory(lastFolder);
        }
        return remember(fc.showSaveDialog(owner.get()));
    }

    /**
     * A modal form: width and height fields prefilled with {@code onScreen}, one button per
     * {@link ChartSizeForm#PRESETS preset} and "On screen", a line saying why the typed size is
     * invalid; Export is disabled until it is valid.
     */
    @Override
    public Optional<ChartSize> chooseChartSize(String title, ChartSize onScreen) {
        ChartSizeForm form = new ChartSizeForm(onScreen);
        Dialog<ChartSize> dialog = new Dialog<>();
        dialog.setTitle(title);
        dialog.setHeaderText(title);
        DialogPane pane = dialog.getDialogPane();
        pane.setId("chart-size-dialog");
        ButtonType export = new ButtonType("Export", ButtonBar.ButtonData.OK_DONE);
        pane.getButtonTypes().setAll(export, ButtonType.CANCEL);
        TextField width = new TextField();
        width.setId("chart-size-width");
        width.setPrefColumnCount(6);
        width.textProperty().bindBidirectional(form.widthProperty());
        TextField height = new TextField();
        height.setId("chart-size-height");
        height.setPrefColumnCount(6);
        height.textProperty().bindBidirectional(form.heightProperty());
        FlowPane presets = new FlowPane(6, 6);
        Button screen = new Button("On screen (" + onScreen.width() + "×" + onScreen.height() + ")");
        screen.setOnAction(e -> form.apply(onScreen));
        presets.getChildren().add(screen);
        for (ChartSize p : ChartSizeForm.PRESETS) {
            Button b = new Button(p.width() + "×" + p.height());
            b.setOnAction(e -> form.apply(p));
            presets.getChildren().add(b);
        }
        Label error = new Label();
        error.setId("chart-size-error");
        error.setWrapText(true);
        error.textProperty().bind(form.errorProperty());
        error.setStyle("-fx-text-fill: #b00020;");
        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(8);
        grid.addRow(0, new Label("Width (px)"), width);
        grid.addRow(1, new Label("Height (px)"), height);
        grid.add(presets, 0, 2, 2, 1);
        grid.add(error, 0, 3, 2, 1);
        pane.setContent(grid);
        pane.lookupButton(export).disableProperty().bind(form.sizeProperty().isNull());
        dialog.setResultConverter(b -> b == export ? form.size().orElse(null) : null);
        Window w = owner.get();
        if (w != null) {
            dialog.initOwner(w);
            pane.getStylesheets().setAll(w.getScene().getStylesheets());
        }
        return dialog.showAndWait();
    }

    /** A table of the cached snapshots (model, revision, refs, size, format); Open picks the selected row. */
    @Override
    public Optional<HuggingFaceCache.CachedModel> chooseCachedModel(Path root, List<HuggingFaceCache.CachedModel> models) {
        Dialog<HuggingFaceCache.CachedModel> dialog = new Dialog<>();
        dialog.setTitle("Open from Hugging Face cache");
        dialog.setHeaderText("Models in " + root);
        DialogPane pane = dialog.getDialogPane();
        pane.setId("hf-cache-dialog");
        ButtonType open = new ButtonType("Open", ButtonBar.ButtonData.OK_DONE);
        pane.getButtonTypes().setAll(open, ButtonType.CANCEL);
        TableView<HuggingFaceCache.CachedModel> table = new TableView<>(FXCollections.observableArrayList(models));
        table.setId("hf-cache-table");
        table.getColumns().add(column("Model", 300, HuggingFaceCache.CachedModel::repoId));
        table.getColumns().add(column("Revision", 110, m -> m.revision().substring(0, Math.min(12, m.revision().length()))));
        table.getColumns().add(column("Refs", 80, m -> String.join(", ", m.refs())));
        table.getColumns().add(column("Size", 90, m -> dev.rankscope.views.settings.SettingsViewModel.formatBytes(m.sizeBytes())));
        table.getColumns().add(column("Format", 100, HuggingFaceCache.CachedModel::format));
        table.setPrefSize(720, 360);
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);   // no empty filler column at the right
        table.getSelectionModel().selectFirst();
        table.setRowFactory(tv -> {
            TableRow<HuggingFaceCache.CachedModel> row = new TableRow<>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && !row.isEmpty()) {
                    dialog.setResult(row.getItem());
                    dialog.close();
                }
            });
            return row;
        });
        pane.setContent(table);
        pane.lookupButton(open).disableProperty().bind(table.getSelectionModel().selectedItemProperty().isNull());
        dialog.setResultConverter(b -> b == open ? table.getSelectionModel().getSelectedItem() : null);
        Window w = owner.get();
        if (w != null) {
            dialog.initOwner(w);
            pane.getStylesheets().setAll(w.getScene().getStylesheets());
        }
        return dialog.showAndWait();
    }

    private static <T> TableColumn<T, String> column(String title, double width, java.util.function.Function<T, String> text) {
        TableColumn<T, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(cd -> new ReadOnlyStringWrapper(text.apply(cd.getValue())));
        return c;
    }

    private Optional<Path> remember(File f) {
        if (f != null) {
            lastFolder = f.getParentFile();
        }
        return Optional.ofNullable(f).map(File::toPath);
    }
}
