package dev.rankscope.tests.jobs;

import dev.rankscope.analysis.report.AnalysisJson;
import dev.rankscope.application.report.ReportExportTask;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.tests.cli.CliRun;
import dev.rankscope.views.budget.BudgetExportViewModel;
import dev.rankscope.views.budget.BudgetViewModel;
import dev.rankscope.views.budget.Debouncer;
import dev.rankscope.views.budget.EngineBudgetServices;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.report.ReportExportViewModel;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * For the same parameters the command line and the workbench write the same bytes — analysis
 * JSON, plan JSON/CSV/PEFT config and the HTML report — because both run the same job classes
 * ({@code SpectraTask}, {@code PlanJob.plan} + {@code PlanExports}, {@code ReportExportTask}).
 * Only the creation timestamps differ and are masked. Sample checkpoint, pure-Java engine, no
 * cache; the workbench runs on the calling thread (no display).
 */
class CliWorkbenchParityTest {
    @TempDir
    static Path samples;
    static Path model;

    @TempDir
    Path out;

    final FakeDialogService dialogs = new FakeDialogService();

    @BeforeAll
    static void writeSample() {
        model = SampleCheckpoints.writeAll(samples).base().toAbsolutePath().normalize();
    }

    /** Masks creation timestamps: ISO instants in JSON ("created") and the report's "yyyy-MM-dd HH:mm:ss UTC". */
    static String masked(Path file) throws IOException {
        return Files.readString(file)
                .replaceAll("\"created\"\\s*:\\s*\"[^\"]*\"", "\"created\":\"T\"")
                .replaceAll("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC", "T");
    }

    private WorkbenchViewModel workbench() {
        WorkbenchViewModel wb = new WorkbenchViewModel(
                new EngineWorkbenchServices(() -> Backends.select(Backends.Preference.JAVA), 1),
                dialogs, new InMemorySettingsStore(), WorkbenchExecutors.sameThread());
        wb.open(model);
        assertEquals(1, wb.checkpoints().size(), dialogs.errors.toString());
        return wb;
    }

    private static void cli(String... args) {
        CliRun run = CliRun.of(args);
        assertEquals(0, run.exitCode(), run.err());
    }

    @Test
    void analysisJsonAndHtmlReportAreTheSame() throws IOException {
        Path cliJson = out.resolve("cli-analysis.json");
        Path cliHtml = out.resolve("cli-report.html");
        cli("analyze", model.toString(), "--json", cliJson.toString(), "--engine", "java", "--no-cache", "--quiet");
        cli("report", model.toString(), "--out", cliHtml.toString(), "--engine", "java", "--no-cache", "--quiet");

        WorkbenchViewModel wb = workbench();
        Path wbHtml = out.resolve("wb-report.html");
        ReportExportTask task = new ReportExportViewModel(wb).exportTo(wbHtml).orElseThrow();
        ReportExportTask.Outcome outcome = task.result();
        assertNotNull(outcome, "export ended " + task.status() + " " + dialogs.errors);
        Path wbJson = out.resolve("wb-analysis.json");
        Files.writeString(wbJson, AnalysisJson.toJson(outcome.analysis()));

        assertTrue(masked(cliJson).contains("\"sigma\""), "a real analysis");
        assertEquals(masked(cliJson), masked(wbJson));
        assertNotEquals(Files.readString(cliHtml), "", "a report was written");
        assertEquals(masked(cliHtml), masked(wbHtml));
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void planJsonCsvAndPeftConfigAreTheSame() throws IOException {
        Path json = out.resolve("cli-plan.json");
        Path csv = out.resolve("cli-plan.csv");
        Path peft = out.resolve("cli-adapter_config.json");
        cli("plan", model.toString(), "--strategy", "energy", "--keep", "0.4", "--json", json.toString(),
                "--csv", csv.toString(), "--peft", peft.toString(), "--engine", "java", "--no-cache", "--quiet");

        WorkbenchViewModel wb = workbench();
        BudgetViewModel budget = new BudgetViewModel(wb,
                new EngineBudgetServices(() -> Backends.select(Backends.Preference.JAVA)), Debouncer.immediate());
        budget.strategyNameProperty().set("energy");
        budget.keptFractionProperty().set(0.4);
        assertNotNull(budget.getPlan(), budget.messageProperty().get());
        Path wbJson = out.resolve("wb-plan.json");
        Path wbCsv = out.resolve("wb-plan.csv");
        Path wbPeft = out.resolve("wb-adapter_config.json");
        budget.exports().export(BudgetExportViewModel.ExportFormat.JSON, wbJson);
        budget.exports().export(BudgetExportViewModel.ExportFormat.CSV, wbCsv);
        budget.exports().export(BudgetExportViewModel.ExportFormat.PEFT, wbPeft);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());

        assertTrue(masked(json).contains("\"energy\""), masked(json));
        assertEquals(masked(json), masked(wbJson));
        assertEquals(Files.readString(csv), Files.readString(wbCsv));
        assertEquals(Files.readString(peft), Files.readString(wbPeft));
    }
}
