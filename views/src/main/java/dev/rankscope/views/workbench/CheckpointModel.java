package dev.rankscope.views.workbench;

import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import javafx.beans.property.IntegerProperty;
import javafx.beans.property.ReadOnlyIntegerProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One open checkpoint in the workbench: the header-only {@link OpenedCheckpoint} plus the
 * progress of its analysis. FX thread only.
 */
public final class CheckpointModel {
    private final OpenedCheckpoint opened;
    private final Map<String, MatrixEntry> byId = new HashMap<>();
    private final IntegerProperty analysed = new SimpleIntegerProperty();
    private final IntegerProperty failed = new SimpleIntegerProperty();
    private final IntegerProperty approximate = new SimpleIntegerProperty();
    private final StringProperty state = new SimpleStringProperty("opened");
    private final List<String> failures = new ArrayList<>();

    CheckpointModel(OpenedCheckpoint opened) {
        this.opened = opened;
        for (MatrixEntry e : opened.matrices()) {
            byId.put(e.id(), e);
        }
    }

    public OpenedCheckpoint opened() {
        return opened;
    }

    public String displayName() {
        return opened.displayName();
    }

    public List<MatrixEntry> matrices() {
        return opened.matrices();
    }

    /** The entry with this matrix id, if it belongs to this checkpoint. */
    public Optional<MatrixEntry> entry(String matrixId) {
        return Optional.ofNullable(byId.get(matrixId));
    }

    /** Matrices whose analysis has arrived. */
    public ReadOnlyIntegerProperty analysedProperty() {
        return analysed;
    }

    public int getAnalysed() {
        return analysed.get();
    }

    /** Matrices currently shown with an approximate (quick-preview) analysis awaiting the exact one. */
    public ReadOnlyIntegerProperty approximateProperty() {
        return approximate;
    }

    public int getApproximate() {
        return approximate.get();
    }

    /** Matrices whose analysis failed. */
    public ReadOnlyIntegerProperty failedProperty() {
        return failed;
    }

    public int getFailed() {
        return failed.get();
    }

    /** "opened", "quick preview", "analysing", "analysed", "cancelled" or "stopped by an error". */
    public ReadOnlyStringProperty stateProperty() {
        return state;
    }

    public String getState() {
        return state.get();
    }

    /** User messages of the matrices that failed, in arrival order. */
    public List<String> failures() {
        return Collections.unmodifiableList(failures);
    }

    void markAnalysed(int count) {
        analysed.set(analysed.get() + count);
    }

    void markApproximate(int delta) {
        approximate.set(approximate.get() + delta);
    }

    void markFailed(String message) {
        failures.add(message);
        failed.set(failed.get() + 1);
    }

    void setState(String s) {
        state.set(s);
    }

    @Override
    public String toString() {
        return displayName();
    }
}
