package dev.rankscope.analysis.ww;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The WeightWatcher 0.7.5.5 goldens written by {@code tools/ww_goldens.py}: the weights
 * ({@code <name>.npy}) and WeightWatcher's {@code details} table ({@code details.csv}).
 */
final class WwGoldens {

    private static final Path DIR = folder();

    /** WeightWatcher's column names, in its order. */
    final List<String> columns;
    /** Row per matrix name (WeightWatcher's {@code name} column). */
    final Map<String, Map<String, String>> rows = new LinkedHashMap<>();
    /** Every matrix written, in order (including those WeightWatcher skipped). */
    final List<String> matrices = new ArrayList<>();

    WwGoldens() throws IOException {
        List<String> lines = Files.readAllLines(DIR.resolve("details.csv"), StandardCharsets.UTF_8);
        columns = List.of(lines.get(0).split(",", -1));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                row.put(columns.get(i), cells[i]);
            }
            rows.put(row.get("name"), row);
        }
        for (String line : Files.readAllLines(DIR.resolve("matrices.txt"), StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                matrices.add(line.split(" ")[0]);
            }
        }
    }

    static Path npy(String name) {
        return DIR.resolve(name + ".npy");
    }

    /** Rankscope's analysis of one golden matrix, on the default engine. */
    static MatrixAnalysis analyze(String name, AnalysisParameters params) {
        try (TensorSource source = Checkpoints.open(npy(name))) {
            List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
            AnalysisCollector collector = new AnalysisCollector(refs);
            new AnalyzeTask(source, refs, Backends.select(Backends.Preference.AUTO), Precision.F64, 1, params,
                    collector).run();
            if (!collector.failures().isEmpty() || collector.analyses().size() != 1) {
                throw new AssertionError(name + ": " + collector.failureMessages());
            }
            return collector.analyses().get(0);
        }
    }

    private static Path folder() {
        try {
            return Path.of(WwGoldens.class.getResource("/ww-goldens/details.csv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
