package dev.rankscope.views.report;

import dev.rankscope.application.report.ReportExportTask;
import dev.rankscope.application.model.SweepResult;
import dev.rankscope.application.report.HtmlReport;

import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.allocation.UniformParamsParameters;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.testing.ManualExecutor;
import dev.rankscope.views.workbench.CheckpointModel;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** File ▸ Export report… over the fake engine, with a fake dialog service and explicit executors. */
class ReportExportViewModelTest {
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T12:00:00Z"), ZoneOffset.UTC);

    final FakeWorkbenchServices services = new FakeWorkbenchServices();
    final FakeDialogService dialogs = new FakeDialogService();

    @TempDir
    Path dir;

    WorkbenchViewModel workbench(WorkbenchExecutors executors) {
        return new WorkbenchViewModel(services, dialogs, new InMemorySettingsStore(), executors);
    }

    /** A checkpoint file that exists, so the writer can recognise it as the same file. */
    Path checkpointFile() throws Exception {
        return Files.write(dir.resolve("tiny.safetensors"), new byte[]{1, 2, 3});
    }

    /**
     * A workbench with the checkpoint open whose own analysis never ran (queued on {@code tasks},
     * then dropped and cancelled): the session has no spectrum.
     */
    WorkbenchViewModel openedWithoutSpectra(ManualExecutor tasks) throws Exception {
        WorkbenchViewModel wb = workbench(new WorkbenchExecutors(Runnable::run, tasks, Runnable::run));
        wb.open(checkpointFile());
        tasks.queue.clear();
        wb.tasks().get(0).cancel();
        assertEquals(0, wb.analyses().size());
        return wb;
    }

    /** An export started on a session without spectra; its tasks wait in {@code tasks}. */
    record Pending(ManualExecutor tasks, WorkbenchViewModel workbench, ReportExportViewModel export,
                   ReportExportTask task, Path target) {
    }

    Pending exportWithoutSpectra() throws Exception {
        ManualExecutor tasks = new ManualExecutor();
        WorkbenchViewModel wb = openedWithoutSpectra(tasks);
        ReportExportViewModel vm = new ReportExportViewModel(wb, CLOCK);
        Path target = dir.resolve("report.html");
        return new Pending(tasks, wb, vm, vm.exportTo(target).orElseThrow(), target);
    }

    static int matrices(FakeWorkbenchServices s) {
        return 2 + 7 * s.layers;
    }

    @Test
    void writesTheReportFromTheSessionsSpectraWithoutRecomputing() throws Exception {
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        ReportExportViewModel vm = new ReportExportViewModel(wb, CLOCK);
        assertTrue(vm.disabledProperty().get(), "disabled while nothing is open");
        wb.open(checkpointFile());
        assertFalse(vm.disabledProperty().get());
        assertEquals(1, services.tasks.size(), "the workbench's own analysis");

        Path target = dir.resolve("out/report.html");
        dialogs.answers.add(target);
        vm.export();

        assertEquals("Export report: tiny-report.html", dialogs.saveDialogs.get(0));
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
        assertEquals(1, services.tasks.size(), "every spectrum was already there: nothing recomputed");
        assertEquals(target, vm.lastWrittenProperty().get());
        String html = Files.readString(target);
        assertTrue(html.startsWith("<!DOCTYPE html>"), html.substring(0, 40));
        assertTrue(html.contains("tiny.safetensors"), "names the checkpoint");
        assertTrue(html.contains("model.layers.2.mlp.down_proj.weight"), "lists the matrices");
        assertTrue(html.contains("<img src=\"data:image/png;base64,"), "charts embedded, self-contained");
        assertFalse(html.contains("src=\"http") || html.contains("href=\"file:"), "no external resources");
        assertFalse(html.contains("id=\"" + HtmlReport.PLAN_ID + "\""), "no plan section without a Budget plan");
        assertFalse(html.contains("id=\"" + HtmlReport.INTRUDERS_ID + "\""), "no intruder section without a comparison");
        assertNull(vm.runningProperty().get());
        assertTrue(wb.tasks().isEmpty(), "the finished export leaves the task panel");
    }

    @Test
    void missingSpectraAreComputedAsATrackedTaskThenWritten() throws Exception {
        Pending p = exportWithoutSpectra();
        assertEquals(matrices(services), p.task().request().missing().size());
        assertTrue(p.workbench().tasks().stream().anyMatch(t -> t.title().equals(p.task().title())),
                "shown in the task panel");
        assertTrue(p.export().disabledProperty().get(), "one export at a time");
        double[] lastFraction = {-1};
        boolean[] monotone = {true};
        p.task().addListener(progress -> {
            monotone[0] &= progress.fraction() >= lastFraction[0];
            lastFraction[0] = progress.fraction();
        });
        p.tasks().runAll();
        assertEquals(AbstractTask.Status.FINISHED, p.task().status());
        assertEquals(matrices(services), p.task().computed());
        assertTrue(monotone[0], "progress never goes back");
        assertTrue(Files.readString(p.target()).contains("lm_head.weight"));
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void anExportDuringTheAnalysisWaitsForItInsteadOfComputingAgain() throws Exception {
        ManualExecutor tasks = new ManualExecutor();
        WorkbenchViewModel wb = workbench(new WorkbenchExecutors(Runnable::run, tasks, Runnable::run));
        ReportExportViewModel vm = new ReportExportViewModel(wb, CLOCK);
        Path target = dir.resolve("during.html");
        java.util.List<Integer> analysed = new java.util.concurrent.CopyOnWriteArrayList<>();
        ReportExportTask[] export = new ReportExportTask[1];
        services.beforeMatrix = i -> {
            analysed.add(i);
            if (i == 5) {   // File ▸ Export Report while the workbench has 5 of the spectra
                assertEquals(5, wb.analyses().size());
                export[0] = vm.exportTo(target).orElseThrow();
            }
        };
        wb.open(checkpointFile());
        tasks.runAll();   // the workbench's analysis, then the export
        assertEquals(AbstractTask.Status.FINISHED, export[0].status());
        assertEquals(1, services.tasks.size(), "no second analysis task");
        assertEquals(0, export[0].computed(), "every spectrum came from the workbench");
        assertEquals(matrices(services), analysed.size(), "each matrix computed once");
        assertTrue(Files.readString(target).contains("lm_head.weight"));
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void anExportWaitingForTheAnalysisStopsWhenCancelledAndAnExportAfterItComputesNothing() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newCachedThreadPool();
        java.util.concurrent.ExecutorService fx = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            services.gate = new java.util.concurrent.Semaphore(3);
            WorkbenchViewModel wb = fx.submit(() -> workbench(new WorkbenchExecutors(fx, pool, fx))).get();
            ReportExportViewModel vm = fx.submit(() -> new ReportExportViewModel(wb, CLOCK)).get();
            Path file = checkpointFile();
            long deadline = System.nanoTime() + 60_000_000_000L; // a guard against a hang, not a timing
            fx.submit(() -> wb.open(file)).get();
            // The header is read on the work pool; the checkpoint is listed (on the FX thread) a moment later.
            while (fx.submit(() -> wb.checkpoints().isEmpty()).get() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            ReportExportTask waiting = fx.submit(() -> vm.exportTo(dir.resolve("a.html")).orElseThrow()).get();
            while (!waiting.message().startsWith("Waiting") && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals("Waiting for the running analysis of tiny.safetensors", waiting.message());
            waiting.cancel();
            while (!waiting.status().isTerminal() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(AbstractTask.Status.CANCELLED, waiting.status());
            // The task turns CANCELLED on its worker; the view model hears of it on the FX thread a moment later.
            while (fx.submit(() -> vm.runningProperty().get()).get() != null && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertNull(fx.submit(() -> vm.runningProperty().get()).get(), "the cancelled export let go of the Export action");
            services.gate.release(1000);
            while (fx.submit(() -> wb.matricesDoneProperty().get()).get() < matrices(services) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            ReportExportTask after = fx.submit(() -> vm.exportTo(dir.resolve("b.html")).orElseThrow()).get();
            while (!after.status().isTerminal() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(AbstractTask.Status.FINISHED, after.status());
            assertEquals(0, after.computed());
            assertEquals(1, services.tasks.size(), "only the workbench's own analysis ever ran");
        } finally {
            services.gate = null;
            pool.shutdownNow();
            fx.shutdownNow();
        }
    }

    @Test
    void cancellingWhileComputingWritesNothing() throws Exception {
        Pending p = exportWithoutSpectra();
        services.beforeMatrix = i -> {
            if (i == 5) {
                p.workbench().tasks().stream().filter(t -> t.title().equals(p.task().title())).findFirst()
                        .orElseThrow().cancel();
            }
        };
        p.tasks().runAll();
        assertEquals(AbstractTask.Status.CANCELLED, p.task().status());
        assertTrue(p.task().computed() <= 5, "the inner analysis stopped at the next matrix: " + p.task().computed());
        assertFalse(Files.exists(p.target()));
        assertTrue(dialogs.errors.isEmpty(), "cancelling is not an error");
        assertFalse(p.export().disabledProperty().get(), "can export again");
    }

    @Test
    void cancellingTheSaveDialogWritesNothing() throws Exception {
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        ReportExportViewModel vm = new ReportExportViewModel(wb, CLOCK);
        wb.open(checkpointFile());
        vm.export();
        assertEquals(1, dialogs.saveDialogs.size());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "only the checkpoint");
        }
        assertNull(vm.lastWrittenProperty().get());
    }

    @Test
    void refusesToWriteOverTheCheckpoint() throws Exception {
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        ReportExportViewModel vm = new ReportExportViewModel(wb, CLOCK);
        Path checkpoint = checkpointFile();
        wb.open(checkpoint);
        // through another spelling of the same path
        Path sameFile = dir.resolve("sub/../tiny.safetensors");
        assertTrue(vm.exportTo(sameFile).isEmpty());
        assertEquals(1, dialogs.errors.size());
        String message = dialogs.errors.get(0).message();
        assertTrue(message.contains("tiny.safetensors") && message.contains("refusing"), message);
        assertFalse(message.contains("Exception"), "one sentence, no stack trace: " + message);
        assertEquals(3, Files.size(checkpoint), "the checkpoint is untouched");
        assertEquals(1, services.tasks.size(), "no task started");
    }

    @Test
    void refusesToWriteOverAnotherOpenCheckpoint() throws Exception {
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        ReportExportViewModel vm = new ReportExportViewModel(wb, CLOCK);
        wb.open(checkpointFile());
        Path other = Files.write(dir.resolve("other.safetensors"), new byte[]{4, 5, 6, 7});
        wb.open(other);
        wb.select(wb.checkpoints().get(0).matrices().get(0));
        assertTrue(vm.exportTo(other).isEmpty(), "the report describes tiny.safetensors but may not replace other.safetensors");
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).message().contains("other.safetensors"), dialogs.errors.get(0).message());
        assertEquals(4, Files.size(other), "the other checkpoint is untouched");
    }

    @Test
    void aFailedWriteIsOneDialog() throws Exception {
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        ReportExportViewModel vm = new ReportExportViewModel(wb, CLOCK);
        wb.open(checkpointFile());
        Path blocker = Files.writeString(dir.resolve("blocker"), "x");
        vm.exportTo(blocker.resolve("report.html"));
        assertEquals(1, dialogs.errors.size());
        assertTrue(dialogs.errors.get(0).message().contains("report.html"), dialogs.errors.get(0).message());
        assertFalse(vm.disabledProperty().get());
    }

    @Test
    void includesTheBudgetPlanForThisCheckpointAndTheComparison() throws Exception {
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        ReportExportViewModel vm = new ReportExportViewModel(wb, CLOCK);
        wb.open(checkpointFile());
        CheckpointModel cp = wb.checkpoints().get(0);
        Plan plan = Allocator.plan(cp.matrices().stream().map(e -> AllocationInput.from(wb.analysis(e))).toList(),
                Budget.keptFraction(0.5), Scope.everything(), Constraints.defaults(), new UniformParamsParameters());
        var planned = new javafx.beans.property.SimpleObjectProperty<CheckpointModel>(cp);
        vm.includePlan(planned, new javafx.beans.property.SimpleObjectProperty<>(plan));
        Path target = dir.resolve("with-plan.html");
        vm.exportTo(target);
        assertTrue(Files.readString(target).contains("id=\"" + HtmlReport.PLAN_ID + "\""), "plan section");

        planned.set(null); // the Budget tab plans another checkpoint (or none)
        Path without = dir.resolve("without-plan.html");
        vm.exportTo(without);
        assertFalse(Files.readString(without).contains("id=\"" + HtmlReport.PLAN_ID + "\""));
    }

    @Test
    void includesTheBudgetSweepForThisCheckpoint() throws Exception {
        WorkbenchViewModel wb = workbench(WorkbenchExecutors.sameThread());
        ReportExportViewModel vm = new ReportExportViewModel(wb, CLOCK);
        wb.open(checkpointFile());
        CheckpointModel cp = wb.checkpoints().get(0);
        SweepResult.Point original = new SweepResult.Point("original", 1, 1, 1000, 42.5, 3.75, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN);
        SweepResult sweep = new SweepResult("causal-lm", cp.opened().path().toString(), original,
                java.util.List.of(new SweepResult.Point("uniform-rank", 0.5, 0.5, 500, 57.25, 4.05, 0.2, 0.7, Double.NaN, 0.3, Double.NaN)));
        var planned = new javafx.beans.property.SimpleObjectProperty<CheckpointModel>(cp);
        vm.includeQuality(planned, new javafx.beans.property.SimpleObjectProperty<>(sweep));
        Path target = dir.resolve("with-sweep.html");
        vm.exportTo(target);
        String html = Files.readString(target);
        assertTrue(html.contains("id=\"" + HtmlReport.QUALITY_ID + "\""), "quality-vs-size section");
        assertTrue(html.contains("57.2500"), "the sweep's perplexity in the table");

        planned.set(null); // the Budget tab's sweep belongs to another checkpoint (or there is none)
        Path without = dir.resolve("without-sweep.html");
        vm.exportTo(without);
        assertFalse(Files.readString(without).contains("id=\"" + HtmlReport.QUALITY_ID + "\""));
    }
}
