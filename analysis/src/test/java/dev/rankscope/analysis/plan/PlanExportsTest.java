package dev.rankscope.analysis.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.AlphaParameters;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.GlobalOptimalParameters;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyParameters;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.analysis.allocation.WeLoreParameters;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.CheckpointWriteException;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Plan JSON round trip and rejection, CSV columns, PEFT config shape (SPEC §5). */
class PlanExportsTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T09:00:00.123Z"), ZoneOffset.UTC);

    static List<AllocationInput> model() {
        List<AllocationInput> list = new ArrayList<>();
        list.add(AllocationInput.of("model.embed_tokens.weight", "model.embed_tokens", -1, ModuleType.EMBED, 64, 16,
                spectrum(16, 0.8)));
        ModuleType[] types = {ModuleType.Q, ModuleType.K, ModuleType.V, ModuleType.O};
        String[] names = {"q_proj", "k_proj", "v_proj", "o_proj"};
        for (int l = 0; l < 3; l++) {
            for (int t = 0; t < 4; t++) {
                String mod = "model.layers." + l + ".self_attn." + names[t];
                list.add(new AllocationInput(mod + ".weight", mod, l, types[t], 32, 32, DType.BF16,
                        spectrum(32, 0.7 + 0.05 * t + 0.02 * l), Double.NaN, Double.NaN, 2.5 + l, null));
            }
            String up = "model.layers." + l + ".mlp.up_proj";
            list.add(AllocationInput.of(up + ".weight", up, l, ModuleType.UP, 64, 32, spectrum(32, 0.9)).withAlpha(3));
        }
        return list;
    }

    static double[] spectrum(int p, double r) {
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            s[i] = 5 * Math.pow(r, i);
        }
        return s;
    }

    static Plan plan(StrategyParameters s) {
        return Allocator.plan(model(), Budget.keptFraction(0.4), Scope.defaults(), Constraints.defaults()
                        .withRankMultiple(2).withExcluded(Set.of("model.layers.0.self_attn.o_proj")), s, CLOCK)
                .withSource(new PlanSource("/models/tiny/model.safetensors", "ab".repeat(32), 17))
                .withTool(new ToolInfo("rankscope", "0.1.0", "pure Java ojAlgo 57.1.0, 2 threads"));
    }

    @Test
    void jsonRoundTripsEveryStrategy() {
        for (String name : StrategyRegistry.standard().names()) {
            Plan p = plan(StrategyRegistry.standard().defaults(name));
            Plan back = PlanJson.fromJson(PlanJson.toJson(p), null);
            assertEquals(p, back, name);
        }
        Plan p = Allocator.plan(model(), Budget.bytes(3000, DType.F32), Scope.defaults()
                        .withLayers(List.of(new Scope.LayerRange(1, 2))).withNameRegex("q_proj|up"),
                Constraints.defaults().withMaxRank(6), new GlobalOptimalParameters(
                        GlobalOptimalParameters.Objective.RAW_ENERGY, 12345), CLOCK);
        assertEquals(p, PlanJson.fromJson(PlanJson.toJson(p), null));
    }

    @Test
    void jsonHasTheSpecFields() throws Exception {
        Plan p = plan(WeLoreParameters.defaults());
        JsonNode root = new ObjectMapper().readTree(PlanJson.toJson(p));
        assertEquals("rankscope-plan", root.get("format").asText());
        assertEquals(1, root.get("version").asInt());
        assertEquals("/models/tiny/model.safetensors", root.at("/source/path").asText());
        assertEquals(17, root.at("/source/tensor_count").asInt());
        assertEquals(64, root.at("/source/header_sha256").asText().length());
        assertEquals("welore", root.at("/strategy/name").asText());
        assertEquals(0.5, root.at("/strategy/parameters/lrc_drop_share").asDouble());
        assertEquals("kept_fraction", root.at("/budget/kind").asText());
        assertEquals("2026-11-23T09:00:00.123Z", root.get("created").asText());
        assertEquals("0.1.0", root.at("/tool/version").asText());
        JsonNode m = root.get("matrices").get(1);
        for (String f : List.of("name", "shape", "dtype", "rank", "dense", "params_before", "params_after",
                "retained_energy", "rel_error")) {
            assertTrue(m.has(f), f);
        }
        assertEquals(32, m.get("shape").get(0).asInt());
        assertEquals("BF16", m.get("dtype").asText());
        assertTrue(m.get("label").asText().equals("LRC") || m.get("label").asText().equals("N-LRC"));
        assertEquals(p.totals().paramsAfter(), root.at("/totals/params_after").asLong());
    }

    @Test
    void unknownVersionAndFormatAreRejected() throws Exception {
        ObjectMapper om = new ObjectMapper();
        ObjectNode root = (ObjectNode) om.readTree(PlanJson.toJson(plan(AlphaParameters.defaults())));
        root.put("version", 2);
        PlanFileException e = assertThrows(PlanFileException.class,
                () -> PlanJson.fromJson(root.toString(), Path.of("plan.json")));
        assertEquals(PlanFileException.Kind.UNSUPPORTED_VERSION, e.kind());
        assertTrue(e.userMessage().startsWith("plan.json: plan version 2 is not supported"), e.userMessage());

        root.put("version", 1);
        root.put("format", "rankscope-analysis");
        e = assertThrows(PlanFileException.class, () -> PlanJson.fromJson(root.toString(), Path.of("a.json")));
        assertEquals(PlanFileException.Kind.WRONG_FORMAT, e.kind());
        assertTrue(e.userMessage().contains("not a Rankscope plan"));

        e = assertThrows(PlanFileException.class, () -> PlanJson.fromJson("{\"format\":", null));
        assertEquals(PlanFileException.Kind.MALFORMED, e.kind());

        root.put("format", "rankscope-plan");
        ((ObjectNode) root.get("matrices").get(0)).put("params_after", 1);
        e = assertThrows(PlanFileException.class, () -> PlanJson.fromJson(root.toString(), null));
        assertEquals(PlanFileException.Kind.MALFORMED, e.kind());
        assertTrue(e.userMessage().contains("totals disagree"), e.userMessage());

        ObjectNode r2 = (ObjectNode) om.readTree(PlanJson.toJson(plan(AlphaParameters.defaults())));
        ((ObjectNode) r2.get("strategy")).put("name", "magic");
        e = assertThrows(PlanFileException.class, () -> PlanJson.fromJson(r2.toString(), null));
        assertTrue(e.userMessage().contains("unknown allocation strategy 'magic'"), e.userMessage());

        ObjectNode r3 = (ObjectNode) om.readTree(PlanJson.toJson(plan(AlphaParameters.defaults())));
        ((ObjectNode) r3.at("/strategy/parameters")).put("epsilon", 7);
        e = assertThrows(PlanFileException.class, () -> PlanJson.fromJson(r3.toString(), null));
        assertEquals(PlanFileException.Kind.MALFORMED, e.kind());
    }

    @Test
    void writeReadFileAndNeverOverwriteTheSource(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("model.safetensors");
        Files.write(model, new byte[] {1, 2, 3});
        Plan p = plan(GlobalOptimalParameters.defaults()).withSource(new PlanSource(model.toString(), "", 3));
        Path out = dir.resolve("out/plan.json");
        PlanJson.write(p, out);
        assertEquals(p, PlanJson.read(out));
        CheckpointWriteException e = assertThrows(CheckpointWriteException.class, () -> PlanJson.write(p, model));
        assertEquals(CheckpointWriteException.Reason.REFUSED, e.reason());
        assertEquals(3, Files.size(model), "input untouched");
        Path other = dir.resolve("other.bin");
        Files.write(other, new byte[] {9});
        assertThrows(CheckpointWriteException.class,
                () -> PlanCsv.write(p, other, new AtomicFileWriter(List.of(other))));
        assertThrows(CheckpointWriteException.class, () -> PeftAdapterConfig.write(p, PeftParameters.defaults(),
                model, AtomicFileWriter.unprotected()));
        PlanCsv.write(p, dir.resolve("out/plan.csv"), AtomicFileWriter.unprotected());
        PeftAdapterConfig.write(p, PeftParameters.defaults(), dir.resolve("out/adapter_config.json"),
                AtomicFileWriter.unprotected());
        assertEquals(PlanCsv.toCsv(p), Files.readString(dir.resolve("out/plan.csv")));
        try (var files = Files.list(dir.resolve("out"))) {
            assertEquals(Set.of(out, dir.resolve("out/plan.csv"), dir.resolve("out/adapter_config.json")),
                    Set.copyOf(files.toList()), "no temporary files left behind");
        }
        PlanFileException missing = assertThrows(PlanFileException.class, () -> PlanJson.read(dir.resolve("none.json")));
        assertEquals(PlanFileException.Kind.UNREADABLE, missing.kind());
    }

    @Test
    void csvHasTheSpecColumnsAndOneRowPerMatrix() {
        Plan p = plan(WeLoreParameters.defaults());
        String[] lines = PlanCsv.toCsv(p).split("\n");
        assertEquals("name,shape,dtype,rank,dense,params_before,params_after,retained_energy,rel_error,"
                + "module,layer,module_type,eligible,bytes_before,bytes_after,label", lines[0]);
        assertEquals(p.matrices().size() + 1, lines.length);
        for (int i = 0; i < p.matrices().size(); i++) {
            PlannedMatrix m = p.matrices().get(i);
            String[] f = lines[i + 1].split(",", -1);
            assertEquals(PlanCsv.COLUMNS.size(), f.length);
            assertEquals(m.id(), f[0]);
            assertEquals(m.rows() + "x" + m.cols(), f[1]);
            assertEquals(m.rank(), Integer.parseInt(f[3]));
            assertEquals(m.dense(), Boolean.parseBoolean(f[4]));
            assertEquals(m.paramsAfter(), Long.parseLong(f[6]));
            assertEquals(m.retainedEnergy(), Double.parseDouble(f[7]));
            assertEquals(m.relativeError(), Double.parseDouble(f[8]));
            assertEquals(m.label().id(), f[15]);
        }
        // RFC 4180 quoting only for comma, quote and line breaks (PlanGoldenTest "quoted-names" has both)
        List<AllocationInput> odd = new ArrayList<>(model());
        odd.add(AllocationInput.of("#x y.weight", "#x y", 1, ModuleType.DOWN, 16, 24, spectrum(16, 0.6)));
        odd.add(AllocationInput.of("a\nb.weight", "a\nb", 1, ModuleType.DOWN, 16, 24, spectrum(16, 0.6)));
        String csv = PlanCsv.toCsv(Allocator.plan(odd, Budget.keptFraction(0.5), Scope.defaults(),
                Constraints.defaults(), GlobalOptimalParameters.defaults(), CLOCK));
        assertTrue(csv.contains("\n#x y.weight,16x24,"), csv);
        assertTrue(csv.contains("\n\"a\nb.weight\",16x24,"), csv);
    }

    @Test
    void peftConfigHasLoraShapeAndFullNameRankPattern() throws Exception {
        Plan p = plan(GlobalOptimalParameters.defaults());
        JsonNode cfg = new ObjectMapper().readTree(PeftAdapterConfig.toJson(p, new PeftParameters(16, "CAUSAL_LM", "")));
        assertEquals("LORA", cfg.get("peft_type").asText());
        assertEquals("none", cfg.get("bias").asText());
        assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
        int r = cfg.get("r").asInt();
        assertEquals(PeftAdapterConfig.mostCommonRank(p), r);
        assertEquals(16, cfg.get("lora_alpha").asDouble());
        List<PlannedMatrix> fact = p.factorised();
        assertFalse(fact.isEmpty());
        assertEquals(fact.size(), cfg.get("target_modules").size());
        assertEquals(fact.size(), cfg.get("rank_pattern").size());
        long commonCount = fact.stream().filter(m -> m.rank() == r).count();
        for (PlannedMatrix m : p.matrices()) {
            JsonNode rank = cfg.get("rank_pattern").get(m.moduleName());
            if (m.factorised()) {
                assertEquals(m.rank(), rank.asInt(), m.moduleName());
                assertEquals(16.0 * m.rank() / r, cfg.get("alpha_pattern").get(m.moduleName()).asDouble(), 1e-12);
                assertTrue(m.moduleName().startsWith("model.layers."), "full module name key");
                assertTrue(fact.stream().filter(x -> x.rank() == m.rank()).count() <= commonCount);
            } else {
                assertTrue(rank == null, m.moduleName() + " is dense and must not be a LoRA target");
            }
        }
        // α defaults to r.
        JsonNode def = new ObjectMapper().readTree(PeftAdapterConfig.toJson(p, PeftParameters.defaults()));
        assertEquals(r, def.get("lora_alpha").asDouble());
    }

    @Test
    void peftRefusesPlansWithoutFactorisedMatrices() {
        Plan dense = Allocator.plan(model(), Budget.keptFraction(1.0), Scope.defaults().withNameRegex("^nothing$"),
                Constraints.defaults(), GlobalOptimalParameters.defaults(), CLOCK);
        PlanFileException e = assertThrows(PlanFileException.class,
                () -> PeftAdapterConfig.toJson(dense, PeftParameters.defaults()));
        assertEquals(PlanFileException.Kind.NOT_EXPORTABLE, e.kind());
    }
}
