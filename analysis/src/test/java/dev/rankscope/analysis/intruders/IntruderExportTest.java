package dev.rankscope.analysis.intruders;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IntruderExportTest {
    private static final String Q3 = "model.layers.3.self_attn.q_proj.weight";

    private static IntruderReport report() {
        IntruderAnalyzer analyzer = new IntruderAnalyzer(new OjAlgoBackend());
        Matrix w0 = Fixtures.diag(4, 3, 2, 1);
        Matrix wt = w0.copy();
        double[] u = {0.5, 0.5, 0.5, 0.5};
        Fixtures.addOuter(wt, 10, u, u);
        IntruderMatrixResult hand = analyzer.analyze(Fixtures.name(Q3), w0, wt);
        IntruderMatrixResult same = analyzer.analyze(Fixtures.name("lm_head.weight"), Fixtures.diag(2, 1), Fixtures.diag(2, 1));
        Pairing pairing = new Pairing(List.of(), List.of(new Pairing.ShapeMismatch("embed.weight", "10×4", "12×4")),
                List.of("only.weight"), List.of());
        return new IntruderReport("base.safetensors", "adapter", List.of(hand, same), pairing,
                List.of(new IntruderReport.MatrixFailure("bad.weight", "weights contain NaN")));
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    @Test
    void jsonHasTheDocumentedShape() throws Exception {
        IntruderParameters params = new IntruderParameters(1, 0.6);
        JsonNode root = new ObjectMapper().readTree(IntruderExport.toJson(report(), params));
        assertEquals(List.of("format", "version", "k", "epsilon", "matrices", "total"), fields(root).subList(0, 6));
        assertEquals("rankscope-intruders", root.get("format").asText());
        assertEquals(1, root.get("version").asInt());
        assertEquals(1, root.get("k").asInt());
        assertEquals(0.6, root.get("epsilon").asDouble());
        assertEquals(1, root.get("total").asInt());
        JsonNode m0 = root.get("matrices").get(0);
        assertEquals(List.of("name", "layer", "module", "shape", "intruders", "max_cosine", "intruder_sigma"),
                fields(m0).subList(0, 7));
        assertEquals(Q3, m0.get("name").asText());
        assertEquals(3, m0.get("layer").asInt());
        assertEquals("q", m0.get("module").asText());
        assertEquals(4, m0.get("shape").get(0).asInt());
        assertEquals(4, m0.get("shape").get(1).asInt());
        assertEquals(1, m0.get("intruders").asInt());
        assertEquals(1, m0.get("max_cosine").size());
        assertEquals(0.5762, m0.get("max_cosine").get(0).asDouble(), 1e-4);
        assertEquals(12.6244, m0.get("intruder_sigma").get(0).asDouble(), 1e-4);
        assertEquals(1, m0.get("intruder_ranks").get(0).asInt());
        assertEquals(1.0, m0.get("delta_stable_rank").asDouble(), 1e-9);
        JsonNode m1 = root.get("matrices").get(1);
        assertTrue(m1.get("layer").isNull());
        assertEquals("other", m1.get("module").asText());
        assertEquals(0, m1.get("intruders").asInt());
        assertEquals(0, m1.get("intruder_sigma").size());
        assertTrue(m1.get("identical").asBoolean());
        assertEquals("embed.weight", root.get("mismatches").get(0).get("name").asText());
        assertEquals("12×4", root.get("mismatches").get(0).get("tuned_shape").asText());
        assertEquals("only.weight", root.get("only_in_base").get(0).asText());
        assertEquals("bad.weight", root.get("failures").get(0).get("name").asText());
        assertEquals(3, root.get("layers").get(1).get("layer").asInt());
        assertEquals(1, root.get("layers").get(1).get("intruders").asInt());
        // the same report at other (k, ε) without recomputation
        JsonNode wider = new ObjectMapper().readTree(IntruderExport.toJson(report(), new IntruderParameters(4, 0.8)));
        assertEquals(4, wider.get("matrices").get(0).get("max_cosine").size());
        assertEquals(3, wider.get("matrices").get(0).get("intruders").asInt()); // 0.5762, 0.7806, 0.7286 < 0.8
    }

    @Test
    void csvHasOneRowPerMatrix() {
        String csv = IntruderExport.toCsv(report(), new IntruderParameters(1, 0.6));
        String[] lines = csv.split("\n");
        assertEquals(3, lines.length);
        assertEquals(IntruderExport.CSV_HEADER, lines[0]);
        String[] row = lines[1].split(",", -1);
        assertEquals(IntruderExport.CSV_HEADER.split(",").length, row.length);
        assertEquals(Q3, row[0]);
        assertEquals("3", row[1]);
        assertEquals("q", row[2]);
        assertEquals("1", row[5]);
        assertEquals("1", row[6]);
        assertEquals(12.6244, Double.parseDouble(row[7]), 1e-4);
        assertTrue(lines[2].startsWith("lm_head.weight,,other,2,2,0,,,"), lines[2]);
    }
}
