package dev.rankscope.views.table;

import dev.rankscope.engine.io.ProtectedInputs;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;
import javafx.collections.FXCollections;
import javafx.collections.MapChangeListener;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * State of the metrics table: one row per analysed matrix (rows appear as analyses stream in),
 * a text filter over name and module (case-insensitive substring), copy as tab-separated text and
 * export as CSV (written on the work executor). FX thread only.
 */
public final class MetricsTableViewModel {
    private final WorkbenchViewModel workbench;
    private final ObservableList<MetricsRow> rows = FXCollections.observableArrayList();
    private final FilteredList<MetricsRow> filtered = new FilteredList<>(rows, r -> true);
    private final StringProperty filterText = new SimpleStringProperty("");

    public MetricsTableViewModel(WorkbenchViewModel workbench) {
        this.workbench = workbench;
        workbench.analyses().forEach((e, a) -> rows.add(new MetricsRow(e, a)));
        rows.sort(ORDER);
        workbench.analyses().addListener((MapChangeListener<MatrixEntry, MatrixAnalysis>) c -> {
            if (c.wasRemoved()) {
                rows.removeIf(r -> r.entry().equals(c.getKey()));
            }
            if (c.wasAdded()) {
                rows.add(new MetricsRow(c.getKey(), c.getValueAdded()));
            }
        });
        filterText.addListener((o, a, b) -> {
            String f = b == null ? "" : b.strip().toLowerCase(Locale.ROOT);
            filtered.setPredicate(f.isEmpty() ? r -> true
                    : r -> r.entry().id().toLowerCase(Locale.ROOT).contains(f)
                    || r.entry().name().module().label().equals(f));
        });
    }

    private static final Comparator<MetricsRow> ORDER = Comparator
            .comparing((MetricsRow r) -> r.entry().checkpoint().toString())
            .thenComparing(r -> r.entry().id());

    /** Rows passing the filter (the view wraps them in a SortedList bound to its comparator). */
    public ObservableList<MetricsRow> rows() {
        return filtered;
    }

    /** Substring filter over matrix names; an exact module label ("q", "down") also matches. */
    public StringProperty filterTextProperty() {
        return filterText;
    }

    /** Selects the row's matrix everywhere. */
    public void select(List<MetricsRow> selected) {
        if (!selected.isEmpty()) {
            List<MatrixEntry> entries = selected.stream().map(MetricsRow::entry).toList();
            workbench.select(entries, entries.get(entries.size() - 1));
        }
    }

    /** Header line plus one line per row, tab-separated: what Copy puts on the clipboard. Pure. */
    public static String toTsv(List<MetricsRow> rows) {
        StringBuilder sb = new StringBuilder();
        appendLine(sb, headers(), '\t');
        for (MetricsRow r : rows) {
            appendLine(sb, cells(r), '\t');
        }
        return sb.toString();
    }

    /** RFC 4180 CSV of {@code rows} (header line first, quoting where needed). Pure. */
    public static String toCsv(List<MetricsRow> rows) {
        StringBuilder sb = new StringBuilder();
        appendLine(sb, headers(), ',');
        for (MetricsRow r : rows) {
            appendLine(sb, cells(r), ',');
        }
        return sb.toString();
    }

    /**
     * Writes {@code rows} (in the order shown) as CSV to {@code target} on the work executor;
     * reports success in the status line and failure as one dialog naming the file.
     */
    public void exportCsv(List<MetricsRow> rowsInViewOrder, Path target) {
        List<MetricsRow> snapshot = List.copyOf(rowsInViewOrder);
        List<Path> inputs = workbench.inputs();
        workbench.runner().work(() -> {
                    ProtectedInputs.writer(inputs).writeBytes(target, toCsv(snapshot).getBytes(StandardCharsets.UTF_8));
                    return target;
                })
                .onFailure("Cannot export the table", target)
                .start();
    }

    private static List<String> headers() {
        List<String> h = new ArrayList<>();
        h.add("checkpoint");
        MetricsColumns.ALL.forEach(c -> h.add(c.header()));
        return h;
    }

    private static List<String> cells(MetricsRow r) {
        List<String> out = new ArrayList<>();
        Path fn = r.entry().checkpoint().getFileName();
        out.add(fn == null ? r.entry().checkpoint().toString() : fn.toString());
        for (MetricsColumns.Column c : MetricsColumns.ALL) {
            out.add(MetricsColumns.format(c.value().apply(r)));
        }
        return out;
    }

    private static void appendLine(StringBuilder sb, List<String> cells, char sep) {
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                sb.append(sep);
            }
            String c = cells.get(i);
            if (sep == ',' && (c.indexOf(',') >= 0 || c.indexOf('"') >= 0 || c.indexOf('\n') >= 0)) {
                sb.append('"').append(c.replace("\"", "\"\"")).append('"');
            } else {
                sb.append(sep == '\t' ? c.replace('\t', ' ') : c);
            }
        }
        sb.append('\n');
    }
}
