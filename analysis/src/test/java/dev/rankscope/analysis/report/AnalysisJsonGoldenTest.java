package dev.rankscope.analysis.report;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.testing.TestSpectra;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The exact bytes of {@code rankscope-analysis} JSON (golden {@code analysis-golden.json}): every
 * matrix kind of {@link ReportFixtures} plus a fused-QKV part and a pooled conv kernel, written to
 * a string and to a file. Regenerate only for a deliberate change of the documented shape:
 * {@code -Drankscope.regenerate=true} rewrites the golden in {@code src/test/resources}.
 */
class AnalysisJsonGoldenTest {

    private static final String GOLDEN = "/report/analysis-golden.json";

    static CheckpointAnalysis document() {
        CheckpointAnalysis base = ReportFixtures.checkpoint();
        List<MatrixAnalysis> ms = new ArrayList<>(base.matrices());
        double[] part = TestSpectra.sigma(TestSpectra.gaussian(new Random(6), 32, 64, 0.1));
        MatrixRef q = new MatrixRef("model.layers.0.self_attn.c_attn.weight#q", "model.layers.0.self_attn.c_attn.weight",
                -1, 32, 64, true);
        ms.add(Analyzer.analyze(NameParser.parse(q.id()), DType.F32,
                new Spectrum(q, part, SvdMethod.OJALGO, Precision.F64, false, 0)));
        double[] conv = TestSpectra.sigma(TestSpectra.gaussian(new Random(7), 72, 36, 0.2));
        MatrixRef pooled = MatrixRef.pooledConv("features.0.weight", 8, 4, 9);
        ms.add(Analyzer.analyze(NameParser.parse(pooled.id()), DType.F32,
                new Spectrum(pooled, java.util.Arrays.copyOf(conv, 36), SvdMethod.OJALGO, Precision.F64, false, 0),
                AnalysisParameters.DEFAULT));
        return new CheckpointAnalysis(base.source(), base.engine(), ms, base.created(), base.failures());
    }

    @Test
    void writesTheGoldenBytes(@TempDir Path dir) throws IOException {
        CheckpointAnalysis a = document();
        String json = AnalysisJson.toJson(a);
        if (Boolean.getBoolean("rankscope.regenerate")) {
            Files.writeString(Path.of("src/test/resources" + GOLDEN), json, StandardCharsets.UTF_8);
        }
        byte[] golden;
        try (InputStream in = AnalysisJsonGoldenTest.class.getResourceAsStream(GOLDEN)) {
            golden = in.readAllBytes();
        }
        assertEquals(new String(golden, StandardCharsets.UTF_8), json);
        Path file = dir.resolve("analysis.json");
        AnalysisJson.write(a, file);
        assertArrayEquals(golden, Files.readAllBytes(file));
        assertEquals(json, AnalysisJson.toJson(AnalysisJson.read(file)), "read back and written again: same bytes");
    }
}
