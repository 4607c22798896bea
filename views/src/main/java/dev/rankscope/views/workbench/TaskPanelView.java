package dev.rankscope.views.workbench;

import javafx.collections.ListChangeListener;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;

/**
 * The task panel: one row per running task with its title, progress bar, message and a Cancel
 * button (cancellation is cooperative: the task stops after the matrix it is computing). Hidden
 * when nothing runs. FX thread only.
 */
public final class TaskPanelView extends VBox {

    public TaskPanelView(WorkbenchViewModel vm) {
        setId("task-panel");
        getStyleClass().add("task-panel");
        setPadding(new Insets(4, 8, 4, 8));
        setSpacing(4);
        vm.tasks().addListener((ListChangeListener<TaskItemViewModel>) c -> rebuild(vm));
        rebuild(vm);
    }

    private void rebuild(WorkbenchViewModel vm) {
        getChildren().clear();
        for (TaskItemViewModel t : vm.tasks()) {
            getChildren().add(row(t));
        }
        boolean any = !vm.tasks().isEmpty();
        setVisible(any);
        setManaged(any);
    }

    private static HBox row(TaskItemViewModel t) {
        Label title = new Label(t.title());
        title.getStyleClass().add("task-title");
        ProgressBar bar = new ProgressBar();
        bar.progressProperty().bind(t.progressProperty());
        bar.setPrefWidth(260);
        Label message = new Label();
        message.textProperty().bind(t.messageProperty());
        message.getStyleClass().add("hint");
        HBox.setHgrow(message, Priority.ALWAYS);
        message.setMaxWidth(Double.MAX_VALUE);
        Button cancel = new Button("Cancel");
        cancel.getStyleClass().addAll("small-button", "task-cancel");
        cancel.setOnAction(e -> {
            t.cancel();
            cancel.setDisable(true);
            cancel.setText("Cancelling…");
        });
        HBox row = new HBox(10, title, bar, message, cancel);
        row.setAlignment(Pos.CENTER_LEFT);
        row.getStyleClass().add("task-row");
        return row;
    }
}
