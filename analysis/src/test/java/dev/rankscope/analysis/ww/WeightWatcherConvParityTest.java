package dev.rankscope.analysis.ww;

import dev.rankscope.analysis.AnalysisCollector;
import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.AnalyzeTask;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.layout.ConvMode;
import dev.rankscope.analysis.layout.MatrixListing;
import dev.rankscope.analysis.metrics.WeightWatcherScale;
import dev.rankscope.analysis.report.WeightWatcherCsv;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pooled conv kernels against WeightWatcher 0.7.5.5 itself ({@code tools/ww_goldens.py}, {@code ww-goldens/conv}):
 * WeightWatcher pools the kh·kw out×in slices of a (out, in, kh, kw) kernel into one ESD and, with its default
 * {@code conv2d_norm=True}, scales each slice by √(1/2) ({@link WeightWatcherScale}). Every column of
 * Rankscope's {@code --ww-csv} row of the pooled kernel equals WeightWatcher's: numbers to 1e-6 relative
 * (MP outputs included; see {@link #TOLERANCE} for the float32 rounding WeightWatcher adds), text exactly. The
 * 1×1 kernel is pooled too (one slice), as WeightWatcher treats every 4-D kernel as conv2d.
 */
class WeightWatcherConvParityTest {

    /**
     * WeightWatcher multiplies the float32 slices by √(1/2) in float32 (NumPy keeps a float32 array's type when
     * it is multiplied by a Python float), so every weight it analyses is rounded once more, to float32:
     * its numbers differ from the exact scaling by up to a few float32 epsilons (6e-8). Rankscope scales exactly.
     */
    static final double TOLERANCE = 1e-6;
    /** Columns that name rather than measure, or that count WeightWatcher's layers (it counts 1-D ones too). */
    static final Set<String> NOT_COMPARED = Set.of("layer_id");

    private static final Path DIR = folder();
    private static final Map<String, Map<String, String>> WW = new LinkedHashMap<>();
    private static final Map<String, Map<String, String>> OURS = new LinkedHashMap<>();
    private static List<String> header;

    @BeforeAll
    static void analyseAll() throws IOException {
        header = read(DIR.resolve("details.csv"), WW);
        List<MatrixAnalysis> analyses = new ArrayList<>();
        for (String name : WW.keySet()) {
            analyses.add(analyze(DIR.resolve(name + ".npy")));
        }
        Path csv = Files.createTempFile("ww-conv", ".csv");
        try {
            Files.write(csv, WeightWatcherCsv.lines(analyses), StandardCharsets.UTF_8);
            read(csv, OURS);
        } finally {
            Files.delete(csv);
        }
    }

    @Test
    void everyColumnOfThePooledConvRowEqualsWeightWatchers() {
        assertEquals(header, WeightWatcherCsv.header());
        assertEquals(WW.keySet(), OURS.keySet());
        Map<String, Double> worst = new LinkedHashMap<>();
        for (String name : WW.keySet()) {
            for (String column : header) {
                if (NOT_COMPARED.contains(column)) {
                    continue;
                }
                String expected = WW.get(name).get(column);
                String actual = OURS.get(name).get(column);
                if (column.equals("sv_min") && !WW.get(name).get("rf").equals("1")) {
                    // WeightWatcher's is the largest of the slices' smallest σ: not in a pooled spectrum, left empty
                    assertEquals("", actual, name + " sv_min");
                    continue;
                }
                if (!isNumber(expected) || !isNumber(actual)) {
                    assertEquals(expected, actual, name + " " + column);
                    continue;
                }
                double e = Double.parseDouble(expected);
                double a = Double.parseDouble(actual);
                double deviation = e == a ? 0 : Math.abs(a - e) / Math.max(Math.abs(e), Double.MIN_NORMAL);
                worst.merge(column, deviation, Math::max);
                assertTrue(deviation <= TOLERANCE || Math.abs(a - e) <= 1e-12, name + " " + column + ": WeightWatcher " + expected
                        + ", Rankscope " + actual + " (relative deviation " + deviation + ")");
            }
        }
        System.out.println("max relative deviation from WeightWatcher 0.7.5.5 (pooled conv): " + worst);
    }

    @Test
    void theScaleIsWeightWatchersConv2dNormAndLeavesRankscopesOwnNormsAlone() throws IOException {
        String name = WW.keySet().iterator().next();
        MatrixAnalysis a = analyze(DIR.resolve(name + ".npy"));
        double sigma1 = a.spectrum().sigma()[0];
        assertEquals(sigma1, a.ranks().spectralNorm(), 0, "Rankscope's spectral norm is the kernel slices' σ₁");
        double wwLambdaMax = Double.parseDouble(WW.get(name).get("lambda_max"));
        assertEquals(0.5, wwLambdaMax / (sigma1 * sigma1), TOLERANCE, "WeightWatcher's λ_max is σ₁²/2 for a pooled conv");
        assertEquals(Math.log10(wwLambdaMax), a.ranks().logSpectralNorm(), 1e-7);
        assertEquals(Math.log10(sigma1 * sigma1 / 2), a.ranks().logSpectralNorm(), 1e-12);
        assertEquals(1.0, WeightWatcherScale.singularValueScale(
                new MatrixRef("d", "d", -1, 4, 3, false)), 0, "dense matrices are not scaled");
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static MatrixAnalysis analyze(Path npy) {
        try (TensorSource source = Checkpoints.open(npy)) {
            List<MatrixRef> refs = MatrixListing.of(source, false, ConvMode.POOLED).matrices();
            assertEquals(1, refs.size());
            assertTrue(refs.get(0).isPooled(), refs.get(0).toString());
            AnalysisCollector collector = new AnalysisCollector(refs);
            new AnalyzeTask(source, refs, Backends.select(Backends.Preference.AUTO), Precision.F64, 1,
                    AnalysisParameters.DEFAULT, collector).run();
            assertTrue(collector.failures().isEmpty(), collector.failureMessages().toString());
            return collector.analyses().get(0);
        }
    }

    private static List<String> read(Path csv, Map<String, Map<String, String>> rows) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<String> columns = List.of(lines.get(0).split(",", -1));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                row.put(columns.get(i), cells[i]);
            }
            rows.put(row.get("name"), row);
        }
        return columns;
    }

    private static Path folder() {
        try {
            return Path.of(WeightWatcherConvParityTest.class.getResource("/ww-goldens/conv/details.csv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
