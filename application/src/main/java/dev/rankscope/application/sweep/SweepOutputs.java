package dev.rankscope.application.sweep;

import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.application.job.JobJson;
import dev.rankscope.engine.spectrum.MatrixRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the local sweep ({@link SweepTask}) and the Spark sweep write the same way: the table rows
 * of one analysed checkpoint, and {@code series.json}. Stateless; thread-safe.
 */
public final class SweepOutputs {

    /** Value of {@code "format"} in {@code series.json}. */
    public static final String SERIES_FORMAT = "rankscope-series";

    private SweepOutputs() {
    }

    /**
     * The rows of one checkpoint and the failure lines of its failed matrices.
     *
     * @param rows     one per listed matrix, in listing order
     * @param failures {@code "<label>: <matrix>: <reason>"} per failed matrix
     */
    public record CheckpointRows(List<SweepRow> rows, List<String> failures) {
        public CheckpointRows {
            rows = List.copyOf(rows);
            failures = List.copyOf(failures);
        }
    }

    /**
     * One row per matrix of {@code refs}: analysed ones from {@code analysis}, the others failed
     * with the reason {@code analysis.failures()} gives ({@code "<id>: <reason>"}).
     */
    public static CheckpointRows rows(SeriesMember member, List<MatrixRef> refs, CheckpointAnalysis analysis) {
        Map<String, MatrixAnalysis> done = new HashMap<>();
        analysis.matrices().forEach(a -> done.put(a.name().id(), a));
        Map<String, String> failed = new HashMap<>();
        for (String f : analysis.failures()) {
            int colon = f.indexOf(": ");
            failed.put(colon < 0 ? f : f.substring(0, colon), colon < 0 ? f : f.substring(colon + 2));
        }
        Map<String, MatrixName> names = new HashMap<>();
        for (MatrixName n : NameParser.parseAll(refs.stream().map(MatrixRef::id).toList())) {
            names.put(n.id(), n);
        }
        List<SweepRow> rows = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (MatrixRef r : refs) {
            MatrixAnalysis a = done.get(r.id());
            if (a != null) {
                rows.add(SweepRow.of(member, a));
            } else {
                MatrixName n = names.get(r.id());
                String reason = failed.getOrDefault(r.id(), "not analysed");
                rows.add(SweepRow.failed(member, r.id(), n.hasLayer() ? n.layer() : null, n.module().label(),
                        r.rows(), r.cols(), reason));
                failures.add(member.label() + ": " + r.id() + ": " + reason);
            }
        }
        return new CheckpointRows(rows, failures);
    }

    /**
     * The text of {@code series.json}: {@code {"format":"rankscope-series","version":1,"parameters",
     * "series","unmatched","failures","notes", …extra}} (pretty-printed, {@link JobJson}).
     */
    public static String seriesJson(SweepParameters params, List<SeriesMember> series, List<String> unmatched,
                                    List<String> failures, List<String> notes, Map<String, Object> extra) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", SERIES_FORMAT);
        doc.put("version", 1);
        doc.put("parameters", params);
        doc.put("series", series);
        doc.put("unmatched", unmatched);
        doc.put("failures", failures);
        doc.put("notes", notes);
        doc.putAll(extra);
        return JobJson.write(doc);
    }
}
