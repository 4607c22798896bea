package dev.rankscope.tests.cli;

import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.UniformRankParameters;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rankscope report} on the generated sample model. */
class ReportCommandTest {
    @TempDir
    static Path dir;
    static SampleCheckpoints.Samples samples;

    @BeforeAll
    static void samples() {
        samples = SampleCheckpoints.writeAll(dir.resolve("samples"));
    }

    @Test
    void writesASelfContainedReportWithThePlanSummary() throws Exception {
        Path plan = dir.resolve("plan.json");
        PlanJson.write(planFor(samples.base()), plan);
        Path out = dir.resolve("reports/tiny.html");
        CliRun run = CliRun.of("report", samples.base().toString(), "--plan", plan.toString(), "--out", out.toString(),
                "--no-cache", "--chart-width", "480", "--chart-height", "300");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.noStackTrace(), run.err());
        assertTrue(run.err().contains("wrote " + out), run.err());
        String html = Files.readString(out);
        for (String id : List.of("summary", "metrics", "layer-map", "spectra", "plan", "provenance")) {
            assertTrue(html.contains("id=\"" + id + "\""), id);
        }
        assertFalse(html.contains("id=\"intruders\""), "no comparison was given");
        assertTrue(html.contains("uniform-rank"));
        assertTrue(html.contains("width=\"480\" height=\"300\""), "chart size option");
        assertTrue(html.contains("LlamaForCausalLM"), "config.json facts");
        assertFalse(html.contains("<script"));
    }

    @Test
    void adapterComparisonAddsTheIntruderSummary() throws Exception {
        Path out = dir.resolve("lora.html");
        CliRun run = CliRun.of("report", samples.base().toString(), "--adapter", samples.lora().toString(),
                "--out", out.toString(), "--no-cache", "--epsilon", "0.6");
        assertEquals(0, run.exitCode(), run.err());
        assertTrue(run.noStackTrace(), run.err());
        String html = Files.readString(out);
        int section = html.indexOf("id=\"intruders\"");
        assertTrue(section > 0, "intruder section");
        String intruders = html.substring(section, html.indexOf("</section>", section));
        // the generator plants an intruder in the middle layer's q_proj (SampleCheckpoints javadoc)
        assertTrue(intruders.contains("model.layers.1.self_attn.q_proj.weight"), intruders);
        assertTrue(intruders.contains("ε = 0.60"), intruders);
        assertTrue(intruders.contains("data:image/png;base64,"), "per-layer chart");
        assertTrue(run.err().contains("intruders ["), run.err());
    }

    @Test
    void refusesToWriteOverTheCheckpointOrThePlan() throws Exception {
        Path model = samples.base().resolve("model.safetensors");
        byte[] before = Files.readAllBytes(model);
        CliRun run = CliRun.of("report", samples.base().toString(), "--out", model.toString(), "--no-cache", "--quiet");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("refusing to overwrite an input checkpoint"), run.err());
        assertTrue(run.noStackTrace(), run.err());
        assertArrayEquals(before, Files.readAllBytes(model));

        Path plan = dir.resolve("plan-kept.json");
        PlanJson.write(planFor(samples.base()), plan);
        byte[] planBefore = Files.readAllBytes(plan);
        CliRun overPlan = CliRun.of("report", samples.base().toString(), "--plan", plan.toString(), "--out",
                plan.toString(), "--no-cache", "--quiet");
        assertEquals(2, overPlan.exitCode(), overPlan.err());
        assertArrayEquals(planBefore, Files.readAllBytes(plan));
    }

    @Test
    void badOptionsAreOneLineErrors() {
        CliRun noOut = CliRun.of("report", samples.base().toString());
        assertEquals(2, noOut.exitCode());
        assertTrue(noOut.err().contains("--out"), noOut.err());
        CliRun both = CliRun.of("report", samples.base().toString(), "--base", samples.finetuned().toString(),
                "--adapter", samples.lora().toString(), "--out", dir.resolve("x.html").toString());
        assertEquals(2, both.exitCode());
        assertTrue(both.err().contains("mutually exclusive"), both.err());
        CliRun tiny = CliRun.of("report", samples.base().toString(), "--out", dir.resolve("y.html").toString(),
                "--chart-width", "5");
        assertEquals(2, tiny.exitCode());
        assertTrue(tiny.err().contains("chart size"), tiny.err());
        assertTrue(tiny.noStackTrace(), tiny.err());
    }

    @Test
    void aFileThatIsNotASweepIsOneLineAndNoReport() throws Exception {
        Path notSweep = dir.resolve("not-a-sweep.json");
        PlanJson.write(planFor(samples.base()), notSweep);
        Path out = dir.resolve("no-report.html");
        CliRun run = CliRun.of("report", samples.base().toString(), "--quality", notSweep.toString(), "--out",
                out.toString(), "--no-cache", "--quiet");
        assertEquals(2, run.exitCode(), run.err());
        assertTrue(run.noStackTrace(), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains("not-a-sweep.json: not a quality-vs-size sweep"), run.err());
        assertFalse(Files.exists(out));
        CliRun missing = CliRun.of("report", samples.base().toString(), "--quality", dir.resolve("nope.json").toString(),
                "--out", out.toString(), "--no-cache", "--quiet");
        assertEquals(2, missing.exitCode(), missing.err());
        assertTrue(missing.err().contains("nope.json"), missing.err());
        assertFalse(Files.exists(out));
    }

    /** A uniform-rank plan over the attention matrices of {@code checkpoint} (no spectra needed beyond shapes). */
    private static Plan planFor(Path checkpoint) {
        try (TensorSource source = Checkpoints.open(checkpoint)) {
            List<AllocationInput> inputs = MatrixExtractor.matrices(source.tensors()).stream()
                    .map(r -> {
                        var name = dev.rankscope.analysis.naming.NameParser.parse(r.id());
                        double[] sigma = new double[r.minDim()];
                        for (int i = 0; i < sigma.length; i++) {
                            sigma[i] = 1.0 / (i + 1);
                        }
                        return AllocationInput.of(r.id(), name.moduleName(), name.layer(), name.module(), r.rows(), r.cols(),
                                sigma);
                    }).toList();
            Scope attention = new Scope(java.util.Set.of(ModuleType.Q, ModuleType.K, ModuleType.V, ModuleType.O), List.of(), "");
            return Allocator.plan(inputs, Budget.keptFraction(0.7), attention, Constraints.defaults(),
                    new UniformRankParameters());
        }
    }
}
