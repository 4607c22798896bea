package dev.rankscope.views.fx;

import dev.rankscope.views.service.DialogService;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Modality;
import javafx.stage.Window;

import java.io.File;
import java.nio.file.Path;
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

    private Optional<Path> remember(File f) {
        if (f != null) {
            lastFolder = f.getParentFile();
        }
        return Optional.ofNullable(f).map(File::toPath);
    }
}
