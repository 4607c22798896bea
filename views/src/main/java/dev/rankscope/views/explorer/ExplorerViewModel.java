package dev.rankscope.views.explorer;

import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.workbench.CheckpointModel;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * State of the model explorer: the name filter (a regular expression, matched with
 * {@code find}, case-insensitive; an invalid pattern falls back to a plain substring match and
 * flags {@link #filterValidProperty()} false), the module-type filter, and the matrices that
 * pass both in checkpoint/file order. Also walks that visible order for next/previous matrix.
 * FX thread only; filtering is a linear scan over names (tens of thousands in a millisecond).
 */
public final class ExplorerViewModel {
    private final WorkbenchViewModel workbench;
    private final StringProperty filterText = new SimpleStringProperty("");
    private final ObjectProperty<ModuleType> moduleFilter = new SimpleObjectProperty<>();
    private final ReadOnlyBooleanWrapper filterValid = new ReadOnlyBooleanWrapper(true);
    private final ObservableList<MatrixEntry> visible = FXCollections.observableArrayList();
    /** Unmodifiable view held once: JavaFX wrappers register weak listeners, so a per-call wrapper would drop its listeners on GC. */
    private final ObservableList<MatrixEntry> visibleReadOnly = FXCollections.unmodifiableObservableList(visible);

    public ExplorerViewModel(WorkbenchViewModel workbench) {
        this.workbench = workbench;
        filterText.addListener((o, a, b) -> refilter());
        moduleFilter.addListener((o, a, b) -> refilter());
        workbench.checkpoints().addListener((ListChangeListener<CheckpointModel>) c -> refilter());
        refilter();
    }

    /** Builds the entry predicate for a filter text and module type. Pure. */
    static Predicate<MatrixEntry> predicate(String text, ModuleType module, boolean[] validOut) {
        Predicate<MatrixEntry> byModule = module == null ? e -> true : e -> e.name().module() == module;
        String t = text == null ? "" : text.strip();
        validOut[0] = true;
        if (t.isEmpty()) {
            return byModule;
        }
        Predicate<String> byName;
        try {
            Pattern p = Pattern.compile(t, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
            byName = s -> p.matcher(s).find();
        } catch (PatternSyntaxException invalid) {
            validOut[0] = false;
            String lower = t.toLowerCase(Locale.ROOT);
            byName = s -> s.toLowerCase(Locale.ROOT).contains(lower);
        }
        Predicate<String> n = byName;
        return byModule.and(e -> n.test(e.id()));
    }

    private void refilter() {
        boolean[] valid = new boolean[1];
        Predicate<MatrixEntry> pred = predicate(filterText.get(), moduleFilter.get(), valid);
        filterValid.set(valid[0]);
        List<MatrixEntry> out = new ArrayList<>();
        for (CheckpointModel c : workbench.checkpoints()) {
            for (MatrixEntry e : c.matrices()) {
                if (pred.test(e)) {
                    out.add(e);
                }
            }
        }
        visible.setAll(out);
    }

    /** Selects the matrix after the current one in the visible order (wraps to the first). */
    public void selectNext() {
        step(+1);
    }

    /** Selects the matrix before the current one in the visible order (wraps to the last). */
    public void selectPrevious() {
        step(-1);
    }

    private void step(int delta) {
        if (visible.isEmpty()) {
            return;
        }
        int i = visible.indexOf(workbench.getCurrent());
        int next = i < 0 ? (delta > 0 ? 0 : visible.size() - 1) : Math.floorMod(i + delta, visible.size());
        workbench.select(visible.get(next));
    }

    /** Name filter: a case-insensitive regular expression (or substring when invalid). */
    public StringProperty filterTextProperty() {
        return filterText;
    }

    /** Module-type filter; null shows every type. */
    public ObjectProperty<ModuleType> moduleFilterProperty() {
        return moduleFilter;
    }

    /** False while the filter text is not a valid regular expression. */
    public ReadOnlyBooleanProperty filterValidProperty() {
        return filterValid.getReadOnlyProperty();
    }

    /** Matrices passing the filters, in checkpoint then file order. */
    public ObservableList<MatrixEntry> visibleMatrices() {
        return visibleReadOnly;
    }

    public WorkbenchViewModel workbench() {
        return workbench;
    }
}
