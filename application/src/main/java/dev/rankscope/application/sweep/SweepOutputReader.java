package dev.rankscope.application.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rankscope.application.job.JobJson;
import dev.rankscope.engine.RankscopeException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the output folder of {@code rankscope sweep} back into a {@link SweepResult}: the series,
 * unmatched matrices, failures and notes from {@code series.json}, the rows from {@code sweep.csv}
 * (columns by name, as {@link SweepTable} writes them: metric columns the sweep did not write are
 * NaN, update and intruder columns are read when present). Doubles round-trip exactly (the CSV
 * holds full precision). The inverse of the sweep's writers, so the workbench shows a finished
 * sweep without recomputing it. Stateless; thread-safe.
 */
public final class SweepOutputReader {
    private static final List<String> REQUIRED = List.of("checkpoint_index", "checkpoint", "step", "matrix", "layer",
            "module", "rows", "cols", "dtype", "status", "failure");

    private SweepOutputReader() {
    }

    /**
     * The sweep in {@code folder}.
     *
     * @throws RankscopeException one sentence naming the file when {@code series.json} or
     *                            {@code sweep.csv} is missing or not what the sweep writes
     */
    public static SweepResult read(Path folder) {
        JsonNode series = seriesJson(folder.resolve("series.json"));
        List<SeriesMember> members = new ArrayList<>();
        for (JsonNode m : series.path("series")) {
            members.add(new SeriesMember(m.path("index").asInt(), m.path("path").asText(), m.path("label").asText(),
                    m.path("step").isNumber() ? m.path("step").asLong() : null));
        }
        Path csv = folder.resolve("sweep.csv");
        List<List<String>> cells = CsvCells.parse(text(csv));
        if (cells.isEmpty()) {
            throw new RankscopeException(name(csv) + " is empty; not a rankscope sweep table");
        }
        Map<String, Integer> at = new HashMap<>();
        for (int i = 0; i < cells.get(0).size(); i++) {
            at.put(cells.get(0).get(i), i);
        }
        for (String c : REQUIRED) {
            if (!at.containsKey(c)) {
                throw new RankscopeException(name(csv) + " has no column '" + c + "'; not a rankscope sweep table");
            }
        }
        List<SweepRow> rows = new ArrayList<>();
        for (int line = 1; line < cells.size(); line++) {
            rows.add(new RowReader(cells.get(line), at, name(csv), line + 1).row());
        }
        return new SweepResult(members, rows, strings(series, "unmatched"), strings(series, "failures"),
                strings(series, "notes"), 0, 0, List.of());
    }

    private static JsonNode seriesJson(Path file) {
        JsonNode doc;
        try {
            doc = JobJson.mapper().readTree(text(file));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new RankscopeException(name(file) + " is not valid JSON (" + e.getOriginalMessage() + ")");
        }
        if (!SweepOutputs.SERIES_FORMAT.equals(doc.path("format").asText())) {
            throw new RankscopeException(name(file) + " is not a rankscope series summary (format is not '"
                    + SweepOutputs.SERIES_FORMAT + "')");
        }
        return doc;
    }

    private static List<String> strings(JsonNode doc, String field) {
        List<String> out = new ArrayList<>();
        doc.path(field).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String text(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RankscopeException(name(file) + ": not found; not the output folder of rankscope sweep");
        } catch (IOException e) {
            throw new RankscopeException(name(file) + " cannot be read (" + e.getMessage() + ")");
        }
    }

    private static String name(Path file) {
        Path parent = file.getParent();
        return (parent == null || parent.getFileName() == null ? "" : parent.getFileName() + "/") + file.getFileName();
    }

    /** One CSV line as a {@link SweepRow}. */
    private record RowReader(List<String> cells, Map<String, Integer> at, String file, int line) {

        SweepRow row() {
            double[] metrics = new double[SweepColumns.all().size()];
            for (int i = 0; i < metrics.length; i++) {
                metrics[i] = number(SweepColumns.all().get(i).name());
            }
            UpdateMetrics update = null;
            String[] u = {"update_relative_norm", "update_effective_rank", "update_stable_rank", "update_rank_at_energy_0.9"};
            if (java.util.Arrays.stream(u).anyMatch(c -> cell(c) != null)) {
                Integer r90 = integer(u[3]);
                update = new UpdateMetrics(number(u[0]), number(u[1]), number(u[2]), r90 == null ? 0 : r90);
            }
            String stepText = cell("step");
            return new SweepRow(required("checkpoint_index"), cell("checkpoint"),
                    stepText == null ? null : Long.valueOf(parse(stepText, "step").longValue()), cell("matrix"),
                    integer("layer"), cell("module"), required("rows"), required("cols"), cell("dtype"),
                    "failed".equals(cell("status")) ? (cell("failure") == null ? "failed" : cell("failure")) : null,
                    metrics, cell("update_base"), update, cell("update_failure"), integer("intruders_vs_first"));
        }

        /** The cell of {@code column}, or null when the column is absent or the cell empty. */
        String cell(String column) {
            Integer i = at.get(column);
            if (i == null || i >= cells.size() || cells.get(i).isEmpty()) {
                return null;
            }
            return cells.get(i);
        }

        double number(String column) {
            String c = cell(column);
            if (c == null) {
                return Double.NaN;
            }
            return switch (c) {
                case "inf" -> Double.POSITIVE_INFINITY;
                case "-inf" -> Double.NEGATIVE_INFINITY;
                default -> parse(c, column).doubleValue();
            };
        }

        Integer integer(String column) {
            String c = cell(column);
            return c == null ? null : parse(c, column).intValue();
        }

        int required(String column) {
            Integer v = integer(column);
            if (v == null || cell("matrix") == null) {
                throw new RankscopeException(file + " line " + line + ": column " + (v == null ? column : "matrix") + " is empty");
            }
            return v;
        }

        private Number parse(String c, String column) {
            try {
                return c.matches("-?\\d+") ? (Number) Long.parseLong(c) : (Number) Double.parseDouble(c);
            } catch (NumberFormatException e) {
                throw new RankscopeException(file + " line " + line + ": '" + c + "' in column " + column + " is not a number");
            }
        }
    }
}
