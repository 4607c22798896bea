package dev.rankscope.views.compare;

import dev.rankscope.views.workbench.CheckpointModel;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Compare tab's base (W₀) and the bases its picker offers: the workbench's open checkpoints,
 * plus a chosen base that is not open (a dropped folder). The base is never left empty while a
 * checkpoint is open, and it survives the workbench reopening checkpoints:
 * <ul>
 *   <li>with no base chosen, the first open checkpoint is the base;</li>
 *   <li>a base named by another spelling of an open checkpoint's path (relative, {@code a/../b})
 *       becomes that checkpoint's own path, so the picker lists it once;</li>
 *   <li>when the base's checkpoint is closed, the first open checkpoint stands in for it, and the
 *       base comes back when that checkpoint is opened again (View ▸ Per-head views reopens every
 *       checkpoint), unless the user chose another base meanwhile.</li>
 * </ul>
 * FX thread only.
 */
final class BaseChoice {
    private final ObservableList<CheckpointModel> open;
    private final ObjectProperty<Path> base = new SimpleObjectProperty<>();
    private final ObservableList<Path> choices = FXCollections.observableArrayList();
    private List<Path> wasOpen = List.of();
    /** The chosen base whose checkpoint was closed; null once it is back or the user chose another. */
    private Path closedBase;
    /** True while this class sets the base (a default or a stand-in), not the user. */
    private boolean adjusting;

    /** @param open the workbench's open checkpoints (kept: an unmodifiable view would listen weakly) */
    BaseChoice(ObservableList<CheckpointModel> open) {
        this.open = open;
        open.addListener((ListChangeListener<CheckpointModel>) c -> refresh());
        base.addListener((o, a, b) -> {
            if (!adjusting) {
                closedBase = null;
            }
            refresh();
        });
        refresh();
    }

    /** The base checkpoint (W₀); the user's choice, or the default the rules above give. */
    ObjectProperty<Path> baseProperty() {
        return base;
    }

    /** The bases the picker offers, in opening order. */
    ObservableList<Path> choices() {
        return choices;
    }

    private void refresh() {
        List<Path> paths = new ArrayList<>();
        for (CheckpointModel c : open) {
            paths.add(c.opened().path());
        }
        List<Path> before = wasOpen;
        wasOpen = paths;
        Path chosen = base.get();
        if (closedBase != null && paths.contains(closedBase)) {
            Path back = closedBase;
            closedBase = null;
            if (adjust(back)) {
                return;
            }
        }
        if (chosen != null && before.contains(chosen) && !paths.contains(chosen)) {
            if (closedBase == null) {
                closedBase = chosen;
            }
            if (adjust(paths.isEmpty() ? null : paths.get(0))) {
                return;
            }
        }
        chosen = base.get();
        Path same = chosen == null ? null : sameFile(paths, chosen);
        if (same != null && !same.equals(chosen)) {
            adjust(same);
            return;
        }
        List<Path> offered = new ArrayList<>(paths);
        if (chosen != null && same == null) {
            offered.add(chosen);
        }
        update(offered);
        if (chosen == null && !paths.isEmpty()) {
            adjust(paths.get(0));
        }
    }

    /**
     * Makes {@link #choices} equal {@code offered} by removing and inserting single entries, never by
     * replacing the whole list: a combo box showing the list clears its value when its items are replaced.
     */
    private void update(List<Path> offered) {
        choices.removeIf(p -> !offered.contains(p));
        for (int i = 0; i < offered.size(); i++) {
            Path p = offered.get(i);
            if (i < choices.size() && choices.get(i).equals(p)) {
                continue;
            }
            choices.remove(p);
            choices.add(i, p);
        }
    }

    /** Sets the base as a default or stand-in; true when it changed (its listener has refreshed then). */
    private boolean adjust(Path path) {
        if (Objects.equals(path, base.get())) {
            return false;
        }
        adjusting = true;
        try {
            base.set(path);
        } finally {
            adjusting = false;
        }
        return true;
    }

    private static Path sameFile(List<Path> paths, Path p) {
        Path key = p.toAbsolutePath().normalize();
        for (Path q : paths) {
            if (q.toAbsolutePath().normalize().equals(key)) {
                return q;
            }
        }
        return null;
    }
}
