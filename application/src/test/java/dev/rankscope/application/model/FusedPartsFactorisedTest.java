package dev.rankscope.application.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.LowRankLabel;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanTotals;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.plan.FactorisedExport;
import dev.rankscope.analysis.plan.FactorisedExportParameters;
import dev.rankscope.analysis.plan.FactorisedExportResult;
import dev.rankscope.analysis.plan.FusedPartFactors;
import dev.rankscope.analysis.plan.PlanFileException;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.plan.PlanJob;
import dev.rankscope.application.plan.PlanParameters;
import dev.rankscope.application.plan.PlanResult;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.synth.SyntheticGpt2;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.runtime.MiniLmFolder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SPEC §5 factor format for parts of fused matrices on the generated GPT-2
 * ({@code rankscope generate --model gpt2-tiny}): the check value (names, shapes, reassembly map,
 * dense parts unchanged), and {@code evaluate --factorized} of a {@code plan --fused-parts}
 * export giving exactly what {@code evaluate --plan} gives, weights-only and data-aware.
 */
class FusedPartsFactorisedTest {
    private static final String C_ATTN = "transformer.h.0.attn.c_attn.weight";
    @TempDir
    static Path dir;
    static Path model;
    static Path text;

    @BeforeAll
    static void generate() throws Exception {
        model = Files.createDirectories(dir.resolve("gpt2-tiny"));
        SyntheticGpt2.write(model, SyntheticGpt2.GPT2_TINY, 5, DType.F32);
        MiniLmFolder.copyResource("golden/gpt2/tokenizer.json", model.resolve("tokenizer.json"));
        Path golden = dir.resolve("golden.safetensors");
        MiniLmFolder.copyResource("golden/gpt2/golden.safetensors", golden);
        StringBuilder sb = new StringBuilder();
        try (TensorSource g = Checkpoints.open(golden)) {
            // more tokens than the widest module's inputs (256), so every Gram is well conditioned
            for (int r = 0; r < 6; r++) {
                for (JsonNode t : new ObjectMapper().readTree(g.metadata().get("texts"))) {
                    sb.append(t.asText()).append(' ').append(t.asText()).append('\n');
                }
            }
        }
        text = Files.writeString(dir.resolve("text.txt"), sb.toString());
    }

    private static PlanResult plan(String name, Path stats, boolean factorised) {
        return new PlanJob(new AnalyzeJob(new AnalyzeJob.Environment(Backends::select, null, null,
                java.time.Clock.systemUTC()))).task(new PlanParameters(model, List.of(StrategyRegistry.standard()
                .defaults("global-optimal")), false, Budget.keptFraction(0.5), Scope.defaults(), Constraints.defaults(),
                stats, null, null, 1, false, dir.resolve(name + ".json"), null, null,
                factorised ? dir.resolve(name + ".safetensors") : null, true)).runHere();
    }

    @Test
    void specCheckValue() throws Exception {
        Plan planned = plan("check-base", null, false).plan();
        List<PlannedMatrix> matrices = new ArrayList<>();
        for (PlannedMatrix m : planned.matrices()) {
            boolean q = m.id().equals(C_ATTN + "#q");
            int k = q ? 8 : Math.min(m.rows(), m.cols());
            matrices.add(new PlannedMatrix(m.id(), m.moduleName(), m.layer(), m.module(), m.rows(), m.cols(), m.dtype(),
                    true, !q, k, m.paramsBefore(), q ? 8L * (m.rows() + m.cols()) : m.paramsBefore(), m.bytesBefore(),
                    m.bytesBefore(), m.totalEnergy(), 1, q ? Double.NaN : 0, LowRankLabel.NONE));
        }
        Plan plan = new Plan(planned.source(), planned.strategy(), planned.budget(), planned.scope(), planned.constraints(),
                planned.created(), planned.tool(), matrices, PlanTotals.of(matrices, planned.totals().budgetParams()),
                List.of(), null);
        Path out = dir.resolve("check.safetensors");
        FactorisedExportResult r;
        try (TensorSource source = Checkpoints.open(model.resolve("model.safetensors"))) {
            r = FactorisedExport.export(plan, source, out, Backends.select(Backends.Preference.AUTO),
                    FactorisedExportParameters.defaults(), AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE);
        }
        assertEquals(1, r.factorChecks().size());
        assertTrue(r.copyMismatches().isEmpty(), "dense parts and copied tensors equal: " + r.copyMismatches());
        try (TensorSource source = Checkpoints.open(model.resolve("model.safetensors"));
             TensorSource f = Checkpoints.open(out)) {
            assertTrue(f.find(C_ATTN).isEmpty(), "the fused tensor is written as its parts");
            assertArrayEquals(new long[] {64, 8}, f.require("transformer.h.0.attn.c_attn.q.U.weight").shape());
            assertArrayEquals(new long[] {8, 64}, f.require("transformer.h.0.attn.c_attn.q.V.weight").shape());
            assertArrayEquals(new long[] {64, 64}, f.require("transformer.h.0.attn.c_attn.k.weight").shape());
            assertArrayEquals(new long[] {64, 64}, f.require("transformer.h.0.attn.c_attn.v.weight").shape());
            assertTrue(f.find("transformer.h.0.attn.c_attn.bias").isPresent(), "the bias stays whole");
            assertTrue(f.find("transformer.h.1.attn.c_attn.weight").isPresent(), "a fused tensor without factorised "
                    + "parts is copied");
            JsonNode map = new ObjectMapper().readTree(f.metadata().get(FusedPartFactors.METADATA_KEY)).get(C_ATTN);
            assertEquals("[64,192]", map.get("shape").toString());
            assertTrue(map.get("transposed").asBoolean());
            assertEquals("{\"q\":[[0,64]],\"k\":[[64,128]],\"v\":[[128,192]]}", map.get("parts").toString());
            double[] stored = source.readDouble(C_ATTN);
            double[] k = f.readDouble("transformer.h.0.attn.c_attn.k.weight");
            for (int i = 0; i < 64; i++) {
                for (int j = 0; j < 64; j++) {
                    assertEquals(stored[j * 192 + 64 + i], k[i * 64 + j], 0, "stored [j, 64 + i] = k[i, j]");
                }
            }
            float[] assembled = FusedPartFactors.assemble(f, C_ATTN, FusedPartFactors.layouts(f).get(C_ATTN));
            double num = 0;
            double den = 0;
            for (int j = 0; j < 64; j++) {
                for (int c = 0; c < 192; c++) {
                    double w = stored[j * 192 + c];
                    double d = w - assembled[j * 192 + c];
                    if (c >= 64) {
                        assertEquals((float) w, assembled[j * 192 + c], 0, "k and v columns unchanged");
                    } else {
                        num += d * d;
                        den += w * w;
                    }
                }
            }
            assertEquals(r.factorChecks().get(0).measuredRelativeError(), Math.sqrt(num / den), 1e-6,
                    "q columns are the rank-8 part");
            assertTrue(Math.sqrt(num / den) > 1e-3, "q is truncated");
        }
    }

    @Test
    void evaluatingTheFactorisedFileEqualsEvaluatingThePlan() {
        PlanResult planned = plan("weights", null, true);
        assertTrue(planned.factorised().verified());
        assertTrue(planned.plan().factorised().stream().anyMatch(FusedPartFactors::isPart), "the plan factorises parts");
        assertSameEvaluation(null, "weights");
    }

    @Test
    void evaluatingTheDataAwareFactorisedFileEqualsEvaluatingThePlan() {
        Path stats = dir.resolve("stats.safetensors");
        new CalibrateJob().task(new CalibrateParameters(model, text, 32, CalibrateParameters.DEFAULT_MAX_TOKENS, stats))
                .runHere();
        PlanResult planned = plan("aware", stats, true);
        assertTrue(planned.factorised().verified(), "data-aware factors verified in activation space: "
                + planned.factorised().factorChecks().stream().filter(c -> !c.withinTolerance()).toList());
        Plan plan = planned.plan();
        assertTrue(plan.factorised().stream().anyMatch(m -> FusedPartFactors.isPart(m)
                && plan.dataAware().modules().containsKey(m.id())), "a data-aware part is factorised");
        assertTrue(plan.factorised().stream().anyMatch(m -> m.id().endsWith("mlp.c_fc.weight")),
                "an (in, out)-stored Conv1D matrix is factorised data-aware");
        assertSameEvaluation(stats, "aware");
        PlanFileException peft = assertThrows(PlanFileException.class, () ->
                dev.rankscope.analysis.plan.PeftAdapterConfig.toTree(plan, dev.rankscope.analysis.plan.PeftParameters.defaults()));
        assertTrue(peft.getMessage().contains("is a part of a fused matrix"), peft.getMessage());
    }

    private static void assertSameEvaluation(Path stats, String name) {
        EvaluateResult fromPlan = new EvaluateJob().task(new EvaluateParameters(model, text, dir.resolve(name + ".json"),
                null, stats, 32, EvaluateParameters.DEFAULT_MAX_TOKENS, null)).runHere();
        EvaluateResult fromFile = new EvaluateJob().task(new EvaluateParameters(model, text, null,
                dir.resolve(name + ".safetensors"), null, 32, EvaluateParameters.DEFAULT_MAX_TOKENS, null)).runHere();
        assertTrue(fromPlan.meanKl() > 0, "the plan changes the model");
        assertEquals(fromPlan.factorisedModules(), fromFile.factorisedModules());
        assertEquals(fromPlan.compressed().tokensScored(), fromFile.compressed().tokensScored());
        assertEquals(fromPlan.compressed().perplexity(), fromFile.compressed().perplexity(), 0, "perplexity");
        assertEquals(fromPlan.meanKl(), fromFile.meanKl(), 0, "mean KL");
        assertEquals(fromPlan.top1Agreement(), fromFile.top1Agreement(), 0, "top-1");
    }
}
