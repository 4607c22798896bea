package dev.rankscope.views.workbench;

import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.beans.binding.Bindings;
import javafx.geometry.Insets;
import javafx.geometry.Pos;
import javafx.scene.control.Label;
import javafx.scene.control.Separator;
import javafx.scene.control.Tooltip;
import javafx.geometry.Orientation;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javafx.util.Duration;

/**
 * The status bar: the last status message, matrices analysed / total, the SVD engine
 * description, and JVM heap use refreshed every two seconds. FX thread only.
 */
public final class StatusBarView extends HBox {
    private final Timeline memoryTimer;

    public StatusBarView(WorkbenchViewModel vm) {
        setId("status-bar");
        getStyleClass().add("status-bar");
        setPadding(new Insets(3, 8, 3, 8));
        setSpacing(8);
        setAlignment(Pos.CENTER_LEFT);
        Label message = new Label();
        message.setId("status-message");
        message.textProperty().bind(vm.statusMessageProperty());
        message.setMinWidth(0);
        Region spacer = new Region();
        HBox.setHgrow(spacer, Priority.ALWAYS);
        Label done = new Label();
        done.setId("status-matrices");
        done.textProperty().bind(Bindings.createStringBinding(
                () -> vm.matricesDoneProperty().get() + " / " + vm.matricesTotalProperty().get() + " matrices analysed",
                vm.matricesDoneProperty(), vm.matricesTotalProperty()));
        Label engine = new Label();
        engine.setId("status-engine");
        engine.textProperty().bind(vm.engineDescriptionProperty());
        engine.setTooltip(new Tooltip("The engine computing the singular values"));
        engine.setMinWidth(0);
        Label memory = new Label();
        memory.setId("status-memory");
        memory.setMinWidth(Region.USE_PREF_SIZE);
        Runnable updateMemory = () -> {
            Runtime rt = Runtime.getRuntime();
            long used = (rt.totalMemory() - rt.freeMemory()) >> 20;
            memory.setText("heap " + used + " / " + (rt.maxMemory() >> 20) + " MB");
        };
        updateMemory.run();
        memoryTimer = new Timeline(new KeyFrame(Duration.seconds(2), e -> updateMemory.run()));
        memoryTimer.setCycleCount(Animation.INDEFINITE);
        memoryTimer.play();
        getChildren().addAll(message, spacer, done, sep(), engine, sep(), memory);
    }

    /** Stops the memory timer (window closing). */
    public void stop() {
        memoryTimer.stop();
    }

    private static Separator sep() {
        return new Separator(Orientation.VERTICAL);
    }
}
