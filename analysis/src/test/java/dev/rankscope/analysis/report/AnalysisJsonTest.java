package dev.rankscope.analysis.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.metrics.MarchenkoPasturFit;
import dev.rankscope.analysis.metrics.PowerLawFit;
import dev.rankscope.engine.io.CheckpointWriteException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnalysisJsonTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static List<String> keys(JsonNode n) {
        List<String> k = new ArrayList<>();
        n.fieldNames().forEachRemaining(k::add);
        return k;
    }

    @Test
    void writesExactlyTheDocumentedShape() throws Exception {
        CheckpointAnalysis a = ReportFixtures.checkpoint();
        JsonNode root = MAPPER.readTree(AnalysisJson.toJson(a));
        assertEquals(List.of("format", "version", "source", "engine", "created", "matrices", "failures"), keys(root));
        assertEquals("rankscope-analysis", root.get("format").asText());
        assertEquals(1, root.get("version").asInt());
        assertEquals(List.of("path", "format", "header_sha256", "tensor_count", "matrix_count"), keys(root.get("source")));
        assertEquals(List.of("backend", "library", "core", "threads", "note"), keys(root.get("engine")));
        assertEquals("2026-11-23T09:00:00Z", root.get("created").asText());
        JsonNode m = root.get("matrices").get(0);
        assertEquals(List.of("name", "tensor", "transposed", "layer", "module", "shape", "dtype", "method", "precision", "approximate", "sigma",
                "effective_rank", "energy_effective_rank", "stable_rank", "numerical_rank", "rank_at_energy",
                "spectral_entropy", "alpha", "alpha_weighted", "xmin", "ks_distance", "sigma_alpha", "num_pl_spikes",
                "log_alpha_norm", "verdict", "mp", "spectral_norm",
                "frobenius_norm", "nuclear_norm", "condition_number", "log_norm", "log_spectral_norm", "warnings"), keys(m));
        assertEquals(List.of("0.9", "0.95", "0.99"), keys(m.get("rank_at_energy")));
        assertEquals(List.of("method", "degenerate", "q", "s", "scale", "bulk_min_mean1", "bulk_max_mean1",
                "bulk_min_lambda", "bulk_max_lambda", "tw", "num_spikes", "softrank", "quick"), keys(m.get("mp")));
        assertEquals("ww", m.get("mp").get("method").asText());
        MarchenkoPasturFit fit = a.matrices().get(0).mp();
        assertEquals(fit.bulkMax() / (fit.scale() * fit.scale()), m.get("mp").get("bulk_max_lambda").asDouble(), 0);
        assertEquals(fit.bulkMax(), m.get("mp").get("bulk_max_mean1").asDouble(), 0);
        PowerLawFit pl = a.matrices().get(0).powerLaw();
        assertEquals(pl.sigmaAlpha(), m.get("sigma_alpha").asDouble(), 0);
        assertEquals(pl.numTail(), m.get("num_pl_spikes").asInt());
        assertEquals(pl.logAlphaNorm(), m.get("log_alpha_norm").asDouble(), 0);
        assertEquals(pl.verdict(), m.get("verdict").asText());
        assertEquals("model.layers.0.self_attn.q_proj.weight", m.get("name").asText());
        assertEquals(0, m.get("layer").asInt());
        assertEquals("q", m.get("module").asText());
        assertEquals("[64,32]", m.get("shape").toString());
        assertEquals("BF16", m.get("dtype").asText());
        assertEquals("ojalgo-svd", m.get("method").asText());
        assertEquals("f64", m.get("precision").asText());
        assertEquals(32, m.get("sigma").size());
        assertEquals(a.matrices().get(0).spectrum().sigma()[0], m.get("sigma").get(0).asDouble(), 0);

        JsonNode spec = root.get("matrices").get(1); // σ = [3, 2, 1]
        assertTrue(spec.get("layer").isNull());
        assertEquals("embed", spec.get("module").asText());
        assertEquals(2.7495, spec.get("effective_rank").asDouble(), 5e-5);
        assertEquals(2, spec.get("rank_at_energy").get("0.9").asInt());
        assertEquals(3, spec.get("rank_at_energy").get("0.95").asInt());

        JsonNode zero = root.get("matrices").get(3);
        assertTrue(zero.get("condition_number").isNull(), "∞ is written as null");
        assertTrue(zero.get("log_norm").isNull(), "−∞ is written as null");
        assertTrue(zero.get("spectral_entropy").isNull(), "NaN is written as null");
        assertTrue(zero.get("alpha").isNull());
        assertTrue(zero.get("mp").isNull());
        assertEquals("all-zero matrix: ranks reported as 0, effective rank undefined", zero.get("warnings").get(0).asText());
        assertTrue(root.get("matrices").get(4).get("approximate").asBoolean());
        assertEquals("model.layers.2.mlp.c_fc.weight: weights contain NaN", root.get("failures").get(0).asText());
    }

    @Test
    void roundTripsThroughAFile(@TempDir Path dir) throws Exception {
        CheckpointAnalysis a = ReportFixtures.checkpoint();
        Path file = dir.resolve("analysis.json");
        AnalysisJson.write(a, file);
        CheckpointAnalysis b = AnalysisJson.read(file);
        assertEquals(a.source(), b.source());
        assertEquals(a.engine(), b.engine());
        assertEquals(a.created(), b.created());
        assertEquals(a.failures(), b.failures());
        assertEquals(a.matrices().size(), b.matrices().size());
        for (int i = 0; i < a.matrices().size(); i++) {
            MatrixAnalysis x = a.matrices().get(i);
            MatrixAnalysis y = b.matrices().get(i);
            String at = x.name().id();
            assertEquals(x.name(), y.name(), at);
            assertEquals(x.dtype(), y.dtype(), at);
            assertArrayEquals(x.spectrum().sigma(), y.spectrum().sigma(), 0, at);
            assertEquals(x.spectrum().ref(), y.spectrum().ref(), at);
            assertEquals(x.spectrum().method(), y.spectrum().method(), at);
            assertEquals(x.spectrum().precision(), y.spectrum().precision(), at);
            assertEquals(x.spectrum().approximate(), y.spectrum().approximate(), at);
            assertEquals(x.ranks(), y.ranks(), at);
            assertEquals(x.powerLaw(), y.powerLaw(), at);
            assertEquals(x.mp(), y.mp(), at);
            assertEquals(x.warnings(), y.warnings(), at);
        }
        assertNotNull(b.matrices().get(0).powerLaw());
        assertNull(b.matrices().get(3).powerLaw());
        assertTrue(b.matrices().get(3).ranks().zeroMatrix());
        assertEquals(1, b.matrices().get(2).spectrum().ref().slice());
        assertEquals("model.layers.1.mlp.experts.down_proj", b.matrices().get(2).spectrum().ref().tensor());
    }

    @Test
    void neverOverwritesTheAnalysedCheckpoint(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.safetensors");
        Files.writeString(model, "weights");
        CheckpointAnalysis a = ReportFixtures.checkpoint();
        CheckpointAnalysis ofModel = new CheckpointAnalysis(
                new SourceInfo(model.toString(), "safetensors", null, 1, a.matrices().size()),
                a.engine(), a.matrices(), a.created(), a.failures());
        assertThrows(CheckpointWriteException.class, () -> AnalysisJson.write(ofModel, model));
        assertThrows(CheckpointWriteException.class, () -> AnalysisCsv.write(ofModel, model));
        assertEquals("weights", Files.readString(model));
        Path csv = dir.resolve("out/analysis.csv");
        AnalysisCsv.write(ofModel, csv);
        assertEquals(AnalysisCsv.lines(a.matrices()), List.of(Files.readString(csv).split("\r\n")));
    }

    @Test
    void readsFilesWrittenBeforeTheMpMethodAndAxesWereNamed() throws Exception {
        CheckpointAnalysis a = ReportFixtures.checkpoint();
        MarchenkoPasturFit fit = a.matrices().get(0).mp();
        com.fasterxml.jackson.databind.node.ObjectNode root =
                (com.fasterxml.jackson.databind.node.ObjectNode) MAPPER.readTree(AnalysisJson.toJson(a));
        com.fasterxml.jackson.databind.node.ObjectNode mp =
                (com.fasterxml.jackson.databind.node.ObjectNode) root.get("matrices").get(0).get("mp");
        for (String gone : List.of("method", "degenerate", "scale", "bulk_min_mean1", "bulk_max_mean1",
                "bulk_min_lambda", "bulk_max_lambda")) {
            mp.remove(gone);
        }
        mp.put("bulk_min", fit.bulkMin());
        mp.put("bulk_max", fit.bulkMax());
        MarchenkoPasturFit old = AnalysisJson.read(new StringReader(root.toString()), "old.json").matrices().get(0).mp();
        assertEquals(MarchenkoPasturFit.Method.GRID, old.method(), "older files came from the grid fit");
        assertEquals(fit.bulkMax(), old.bulkMax(), 0);
        assertEquals(fit.bulkMin(), old.bulkMin(), 0);
        assertFalse(old.degenerate());

        mp.put("method", "exact");
        AnalysisFormatException e = assertThrows(AnalysisFormatException.class,
                () -> AnalysisJson.read(new StringReader(root.toString()), "new.json"));
        assertEquals("new.json: \"matrices[0].mp.method\" unknown MP method \"exact\"", e.userMessage());
        mp.put("method", "ww");
        ((com.fasterxml.jackson.databind.node.ObjectNode) root.get("matrices").get(0)).put("numerical_rank", "many");
        AnalysisFormatException e2 = assertThrows(AnalysisFormatException.class,
                () -> AnalysisJson.read(new StringReader(root.toString()), "new.json"));
        assertTrue(e2.userMessage().startsWith("new.json: \"matrices[0].numerical_rank\" has the wrong type"), e2.userMessage());
    }

    @Test
    void rejectsOtherFormatsAndVersions(@TempDir Path dir) throws Exception {
        Path plan = dir.resolve("plan.json");
        Files.writeString(plan, "{\"format\":\"rankscope-plan\",\"version\":1}");
        AnalysisFormatException e = assertThrows(AnalysisFormatException.class, () -> AnalysisJson.read(plan));
        assertEquals("plan.json: not a Rankscope analysis file (format \"rankscope-plan\", expected \"rankscope-analysis\")",
                e.userMessage());

        String v2 = AnalysisJson.toJson(ReportFixtures.checkpoint()).replace("\"version\" : 1", "\"version\" : 2");
        AnalysisFormatException e2 = assertThrows(AnalysisFormatException.class,
                () -> AnalysisJson.read(new StringReader(v2), "a.json"));
        assertEquals("a.json: analysis version 2 is not supported (this Rankscope reads version 1)", e2.userMessage());

        assertThrows(AnalysisFormatException.class, () -> AnalysisJson.read(new StringReader("[1,2"), "b.json"));
        String badShape = AnalysisJson.toJson(ReportFixtures.checkpoint()).replaceFirst("\"shape\" : \\[ 64, 32 \\]", "\"shape\" : [ 64 ]");
        AnalysisFormatException e3 = assertThrows(AnalysisFormatException.class,
                () -> AnalysisJson.read(new StringReader(badShape), "c.json"));
        assertEquals("c.json: \"matrices[0].shape\" is not [rows, cols]", e3.userMessage());
    }
}
