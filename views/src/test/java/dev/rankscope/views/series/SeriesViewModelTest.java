package dev.rankscope.views.series;

import dev.rankscope.analysis.intruders.IntruderParameters;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.application.sweep.SeriesMember;
import dev.rankscope.application.sweep.SeriesPlots;
import dev.rankscope.application.sweep.SeriesQuantity;
import dev.rankscope.application.sweep.SeriesSweepTask;
import dev.rankscope.application.sweep.SweepColumns;
import dev.rankscope.application.sweep.SweepJob;
import dev.rankscope.application.sweep.SweepParameters;
import dev.rankscope.application.sweep.SweepResult;
import dev.rankscope.application.sweep.SweepRow;
import dev.rankscope.application.sweep.SweepTable;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SyntheticModel;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.views.fx.BackgroundRunner;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.testing.FakeDialogService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Series tab's ViewModel on same-thread executors over small generated checkpoints: what the
 * charts show is checked value for value against the table {@code rankscope sweep}'s job writes
 * for the same checkpoints.
 */
class SeriesViewModelTest {
    static final ModelShape MINI = new ModelShape("mini", 3, 32, 64, 4, 2, 64, false);
    static final String Q1 = "model.layers.1.self_attn.q_proj.weight";
    /** No cache folder: nothing is written outside the test's folders. */
    static final SweepJob JOB = new SweepJob(new AnalyzeJob(new AnalyzeJob.Environment(Backends::select, null, null,
            Clock.systemUTC())));

    @TempDir
    Path dir;
    final List<JobTask<?>> tracked = new ArrayList<>();
    final FakeDialogService dialogs = new FakeDialogService();

    SeriesViewModel viewModel() {
        return new SeriesViewModel(new SeriesViewModel.Services(r -> new SeriesSweepTask(JOB, r), Backends.Preference.AUTO,
                false, tracked::add), new BackgroundRunner(WorkbenchExecutors.sameThread(), dialogs), Runnable::run);
    }

    /** Checkpoints {@code names} in {@code folder}, each a MINI model with its own seed, F32. */
    static List<Path> series(Path folder, ModelShape shape, String... names) {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
            Path p = folder.resolve(names[i]);
            SyntheticModel.write(p, new SyntheticModel.Parameters(shape, 11 + i, DType.F32, 1));
            out.add(p);
        }
        return out;
    }

    /** The job {@code rankscope sweep} runs, over {@code paths}, written to {@code out}. */
    static SweepResult sweep(List<Path> paths, Path out, SweepParameters.Updates updates, boolean intruders) {
        return JOB.task(new SweepParameters(paths.stream().map(Path::toString).toList(), null, out.toString(), List.of(),
                updates, intruders, IntruderParameters.DEFAULT, Backends.Preference.AUTO, 1, false)).runHere();
    }

    static double[] metricOf(SweepResult r, String matrix, String metric) {
        SweepColumns.Metric m = SweepColumns.select(List.of(metric)).get(0);
        return r.rows().stream().filter(x -> x.matrix().equals(matrix))
                .sorted(java.util.Comparator.comparingInt(SweepRow::checkpointIndex)).mapToDouble(x -> x.metric(m)).toArray();
    }

    @Test
    void aFolderOpensInStepOrderAndTheTrajectoriesAreTheSweepTable() {
        Path folder = dir.resolve("run");
        List<Path> paths = series(folder, MINI, "step100", "step20", "step3");
        SeriesViewModel vm = viewModel();
        vm.open(List.of(folder));
        SweepResult shown = vm.resultProperty().get();
        assertNotNull(shown, vm.statusProperty().get());
        assertEquals(1, tracked.size());
        assertEquals(List.of("step3", "step20", "step100"), vm.members().stream().map(SeriesMember::label).toList());
        SweepResult cli = sweep(paths, dir.resolve("cli"), SweepParameters.Updates.NONE, false);
        assertEquals(cli.rows(), shown.rows());

        SeriesChartsModel charts = vm.charts();
        charts.quantityProperty().set(SeriesQuantity.named("stable_rank"));
        charts.scopeKindProperty().set(SeriesPlots.ScopeKind.MATRIX);
        charts.scopeValueProperty().set(Q1);
        SeriesPlots.Trajectories t = charts.trajectoriesProperty().get();
        assertEquals("step", t.axis().label());
        assertEquals(1, t.lines().size());
        assertArrayEquals(new double[] {3, 20, 100}, t.lines().get(0).x());
        double[] expected = metricOf(cli, Q1, "stable_rank");
        assertArrayEquals(expected, t.lines().get(0).y());

        charts.scopeKindProperty().set(SeriesPlots.ScopeKind.MODULE);
        charts.scopeValueProperty().set("q");
        t = charts.trajectoriesProperty().get();
        assertEquals(List.of("L0", "L1", "L2"), t.lines().stream().map(SeriesPlots.Line::label).toList());
        assertArrayEquals(expected, t.lines().get(1).y());
        assertEquals(1, t.lines().get(1).layer());

        charts.heatmapModuleProperty().set("q");
        SeriesPlots.Heatmap h = charts.heatmapProperty().get();
        assertEquals(List.of("L0", "L1", "L2"), h.rowLabels());
        assertEquals("step", h.columnAxis());
        assertEquals(List.of("3", "20", "100"), h.columnLabels());
        assertArrayEquals(expected, h.z()[1]);
        assertArrayEquals(metricOf(cli, "model.layers.2.self_attn.q_proj.weight", "stable_rank"), h.z()[2]);
    }

    @Test
    void reorderingByHandChangesWhatTheUpdatesAreTakenAgainst() {
        Path folder = dir.resolve("run");
        List<Path> paths = series(folder, MINI, "step1", "step2", "step3");
        SeriesViewModel vm = viewModel();
        vm.open(List.of(folder));
        assertNotNull(vm.resultProperty().get(), vm.statusProperty().get());
        assertFalse(vm.charts().quantities().contains(SeriesQuantity.named("update_relative_norm")));
        vm.moveDown(0);
        assertTrue(vm.staleProperty().get());
        assertEquals(List.of("step2", "step1", "step3"), vm.members().stream().map(SeriesMember::label).toList());
        assertTrue(vm.orderNotes().stream().anyMatch(n -> n.startsWith("order set by hand")), vm.orderNotes().toString());
        vm.updatesProperty().set(SweepParameters.Updates.CONSECUTIVE);
        vm.run();
        SweepResult r = vm.resultProperty().get();
        assertFalse(vm.staleProperty().get());
        assertEquals(List.of("step2", "step1", "step3"), r.series().stream().map(SeriesMember::label).toList());
        SweepRow q1AtStep1 = r.rows().stream().filter(x -> x.checkpoint().equals("step1") && x.matrix().equals(Q1))
                .findFirst().orElseThrow();
        assertEquals("step2", q1AtStep1.updateBase());
        // the update of step1 vs step2 is the update of step2 vs step1, mirrored: the same relative norm
        // as a sweep in the parsed order computes for step2, but measured against ‖W_step2‖
        SweepResult byStep = sweep(paths, dir.resolve("cli"), SweepParameters.Updates.CONSECUTIVE, false);
        SweepRow q1AtStep2 = byStep.rows().stream().filter(x -> x.checkpoint().equals("step2") && x.matrix().equals(Q1))
                .findFirst().orElseThrow();
        double normStep1 = q1AtStep1.metric(SweepColumns.select(List.of("frobenius_norm")).get(0));
        double normStep2 = q1AtStep2.metric(SweepColumns.select(List.of("frobenius_norm")).get(0));
        assertEquals(q1AtStep2.update().relativeNorm() * normStep1 / normStep2, q1AtStep1.update().relativeNorm(), 1e-12);
        assertEquals(q1AtStep2.update().stableRank(), q1AtStep1.update().stableRank(), 1e-9);
        // steps no longer increase along the series: x is the position
        vm.charts().quantityProperty().set(SeriesQuantity.named("update_relative_norm"));
        vm.charts().scopeKindProperty().set(SeriesPlots.ScopeKind.MATRIX);
        vm.charts().scopeValueProperty().set(Q1);
        SeriesPlots.Trajectories t = vm.charts().trajectoriesProperty().get();
        assertEquals("checkpoint (series order)", t.axis().label());
        assertArrayEquals(new double[] {1, 2}, t.lines().get(0).x());
        assertEquals(q1AtStep1.update().relativeNorm(), t.lines().get(0).y()[0]);
    }

    @Test
    void aSweepOutputFolderShowsTheRowsTheSweepWrote() {
        List<Path> paths = series(dir.resolve("run"), MINI, "checkpoint-500", "checkpoint-1000", "checkpoint-1500");
        Path out = dir.resolve("out");
        SweepResult written = sweep(paths, out, SweepParameters.Updates.FIRST, true);
        SeriesViewModel vm = viewModel();
        vm.open(List.of(out));
        SweepResult shown = vm.resultProperty().get();
        assertNotNull(shown, vm.statusProperty().get());
        assertTrue(tracked.isEmpty(), "nothing recomputed");
        assertEquals(SweepParameters.Updates.FIRST, vm.updatesProperty().get(), "the form says what the table holds");
        assertTrue(vm.intrudersProperty().get());
        assertEquals(written.series(), shown.series());
        assertEquals(written.rows(), shown.rows());
        assertTrue(vm.charts().quantities().contains(SeriesQuantity.named("intruders_vs_first")));
        vm.charts().quantityProperty().set(SeriesQuantity.named("intruders_vs_first"));
        vm.charts().scopeKindProperty().set(SeriesPlots.ScopeKind.MATRIX);
        vm.charts().scopeValueProperty().set(Q1);
        double[] counts = written.rows().stream().filter(x -> x.matrix().equals(Q1) && x.intruders() != null)
                .mapToDouble(SweepRow::intruders).toArray();
        assertEquals(2, counts.length);
        assertArrayEquals(counts, vm.charts().trajectoriesProperty().get().lines().get(0).y());
    }

    @Test
    void namesWithoutStepsFallBackToNameOrderAndMixedShapesAreListed() {
        Path folder = dir.resolve("family");
        series(folder, MINI, "gamma", "alpha");
        SyntheticModel.write(folder.resolve("beta"), new SyntheticModel.Parameters(
                new ModelShape("two", 2, 32, 64, 4, 2, 64, false), 3, DType.F32, 1));
        SeriesViewModel vm = viewModel();
        vm.open(List.of(folder));
        assertEquals(List.of("alpha", "beta", "gamma"), vm.members().stream().map(SeriesMember::label).toList());
        assertTrue(vm.orderNotes().stream().anyMatch(n -> n.contains("ordered by name")), vm.orderNotes().toString());
        SweepResult r = vm.resultProperty().get();
        assertNotNull(r, vm.statusProperty().get());
        assertEquals(7, r.unmatched().size(), r.unmatched().toString());
        assertTrue(r.unmatched().stream().allMatch(u -> u.startsWith("model.layers.2.") && u.contains("missing from beta")));
        assertTrue(vm.statusProperty().get().contains("7 matrices not compared"), vm.statusProperty().get());
        vm.charts().scopeKindProperty().set(SeriesPlots.ScopeKind.MODULE);
        vm.charts().scopeValueProperty().set("v");
        SeriesPlots.Trajectories t = vm.charts().trajectoriesProperty().get();
        assertEquals(3, t.lines().get(0).x().length);
        assertEquals(2, t.lines().get(2).x().length, "layer 2 has no point at beta");
    }

    @Test
    void badInputIsOneSentenceAndNothingIsShown() throws Exception {
        List<Path> one = series(dir, MINI, "step1");
        SeriesViewModel vm = viewModel();
        vm.open(List.of(one.get(0).resolve("model.safetensors")));
        assertEquals("model.safetensors is one checkpoint; a series needs a folder of checkpoints, several checkpoints "
                + "or a list file", vm.statusProperty().get());
        Path fake = Files.createDirectories(dir.resolve("fake-out"));
        Files.writeString(fake.resolve("series.json"), "{\"format\":\"rankscope-series\",\"series\":[]}");
        Files.writeString(fake.resolve("sweep.csv"), "checkpoint,matrix\nstep1,q\n");
        vm.open(List.of(fake));
        assertEquals("fake-out/sweep.csv has no column 'checkpoint_index'; not a rankscope sweep table", vm.statusProperty().get());
        assertNull(vm.resultProperty().get());
        assertTrue(dialogs.errors.isEmpty());
    }

    @Test
    void theTableExportsAreTheSweepWriters() throws Exception {
        Path folder = dir.resolve("run");
        series(folder, MINI, "step1", "step2");
        SeriesViewModel vm = viewModel();
        vm.updatesProperty().set(SweepParameters.Updates.FIRST);
        vm.open(List.of(folder));
        SweepResult r = vm.resultProperty().get();
        assertNotNull(r, vm.statusProperty().get());
        Path csv = dir.resolve("exports").resolve("series.csv");
        Files.createDirectories(csv.getParent());
        vm.exportTable(SeriesTableExport.Format.CSV, csv);
        assertEquals("Wrote " + r.rows().size() + " rows to " + csv + ".", vm.statusProperty().get());
        List<String> lines = Files.readAllLines(csv);
        assertEquals(new SweepTable(SweepColumns.all(), true, false).csvLines(r.rows()), lines);
        assertTrue(lines.get(0).contains("update_relative_norm"));
        Path parquet = csv.resolveSibling("series.parquet");
        vm.exportTable(SeriesTableExport.Format.PARQUET, parquet);
        byte[] bytes = Files.readAllBytes(parquet);
        assertEquals("PAR1", new String(bytes, 0, 4, java.nio.charset.StandardCharsets.US_ASCII));
        // never into a checkpoint of the series
        vm.exportTable(SeriesTableExport.Format.CSV, folder.resolve("step1").resolve("table.csv"));
        assertTrue(vm.statusProperty().get().contains("step1"), vm.statusProperty().get());
        assertFalse(Files.exists(folder.resolve("step1").resolve("table.csv")));
    }
}
