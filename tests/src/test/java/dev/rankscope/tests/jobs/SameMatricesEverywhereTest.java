package dev.rankscope.tests.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.intruders.IntrudersJob;
import dev.rankscope.application.report.ReportJob;
import dev.rankscope.application.report.ReportParameters;
import dev.rankscope.application.report.ReportResult;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.tests.cli.CliRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code analyze}, {@code plan} and {@code report} list the same matrices of a GPT-2 checkpoint
 * (one {@code MatrixListing}, SPEC §7): Conv1D weights as (out, in), the fused c_attn followed by
 * its q/k/v parts. The plan budgets whole matrices only (the parts are views of c_attn), so it
 * lists exactly analyze's whole matrices with the same shapes; the report lists all of them.
 */
class SameMatricesEverywhereTest {
    @TempDir
    Path tmp;

    @Test
    void planAndReportListExactlyWhatAnalyzeLists() throws IOException {
        Path gpt2 = Gpt2Checkpoint.write(tmp.resolve("gpt2"));
        Path analysisJson = tmp.resolve("analysis.json");
        Path planJson = tmp.resolve("plan.json");

        CliRun analyze = CliRun.of("analyze", gpt2.toString(), "--json", analysisJson.toString(),
                "--engine", "java", "--no-cache", "--quiet");
        assertEquals(0, analyze.exitCode(), analyze.err());
        List<String> analyzed = new ArrayList<>();
        List<String> analyzedWhole = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (JsonNode m : json.readTree(analysisJson.toFile()).get("matrices")) {
            String entry = m.get("name").asText() + " " + m.get("shape");
            analyzed.add(entry);
            if (!m.has("part")) {
                analyzedWhole.add(entry);
            }
        }
        // the listing this test is about: Conv1D as (out, in) and the fused q/k/v parts
        String d = String.valueOf(Gpt2Checkpoint.D);
        assertTrue(analyzed.contains("transformer.h.0.attn.c_attn.weight [" + 3 * Gpt2Checkpoint.D + "," + d + "]"), analyzed.toString());
        assertTrue(analyzed.contains("transformer.h.1.mlp.c_fc.weight [" + 4 * Gpt2Checkpoint.D + "," + d + "]"), analyzed.toString());
        assertTrue(analyzed.contains("transformer.h.0.attn.c_attn.weight#q [" + d + "," + d + "]"), analyzed.toString());
        assertTrue(analyzed.size() > analyzedWhole.size(), "parts are listed");

        CliRun plan = CliRun.of("plan", gpt2.toString(), "--keep", "0.5", "--strategy", "energy", "--json",
                planJson.toString(), "--engine", "java", "--no-cache", "--quiet");
        assertEquals(0, plan.exitCode(), plan.err());
        List<String> planned = new ArrayList<>();
        for (JsonNode m : json.readTree(planJson.toFile()).get("matrices")) {
            planned.add(m.get("name").asText() + " " + m.get("shape"));
        }
        assertEquals(analyzedWhole, planned);

        ReportJob report = new ReportJob(new AnalyzeJob(new AnalyzeJob.Environment(Backends::select, null, null,
                Clock.systemUTC())), new IntrudersJob(IntrudersJob.Environment.defaults()));
        ReportResult result = report.task(new ReportParameters(gpt2, tmp.resolve("report.html"), null, null, null, null,
                IntruderParameters.DEFAULT, null, Backends.Preference.JAVA, 1, false)).runHere();
        List<String> reported = new ArrayList<>();
        for (MatrixAnalysis a : result.report().analysis().matrices()) {
            reported.add(a.spectrum().ref().id() + " [" + a.spectrum().ref().rows() + "," + a.spectrum().ref().cols() + "]");
        }
        assertEquals(analyzed, reported);
    }
}
