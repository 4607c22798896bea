package dev.rankscope.tests.jobs;

import dev.rankscope.application.render.ChartSize;
import dev.rankscope.application.render.Picture;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.tests.cli.CliRun;
import dev.rankscope.views.budget.BudgetExportViewModel;
import dev.rankscope.views.budget.BudgetViewModel;
import dev.rankscope.views.budget.Debouncer;
import dev.rankscope.views.budget.EngineBudgetServices;
import dev.rankscope.views.charts.PictureExporter;
import dev.rankscope.views.learn.LearnViewModel;
import dev.rankscope.views.compare.CompareViewModel;
import dev.rankscope.views.compare.EngineCompareServices;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.report.ReportExportViewModel;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.table.MetricsTableViewModel;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.jfree.chart.ChartFactory;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The one output-protection rule ({@link ProtectedInputs}) holds for every writer: each CLI
 * output, each Budget export, the Compare JSON and mitigation exports, the report export, the
 * metrics-table CSV and the picture exports (workbench, Compare and Learn charts) refuse to write onto an input file or into an input
 * folder (a GPT-2 checkpoint folder), with the same one-line message, and leave the folder as it
 * was.
 */
class OutputProtectionTest {
    @TempDir
    Path tmp;

    /** A writer aimed at {@code target} while {@code folder} is the input; returns the one line the user sees. */
    @FunctionalInterface
    interface Writer {
        String write(Path folder, Path target);
    }

    static Stream<Arguments> writers() {
        List<Arguments> all = new ArrayList<>();
        cli(all, "analyze --json", (f, t) -> List.of("analyze", f.toString(), "--json", t.toString()));
        cli(all, "analyze --csv", (f, t) -> List.of("analyze", f.toString(), "--csv", t.toString()));
        for (String option : List.of("--json", "--csv", "--peft", "--factorized")) {
            cli(all, "plan " + option, (f, t) -> List.of("plan", f.toString(), "--keep", "0.5", option, t.toString()));
        }
        cli(all, "report --out", (f, t) -> List.of("report", f.toString(), "--out", t.toString()));
        for (String option : List.of("--json", "--csv", "--mitigate")) {
            cli(all, "intruders " + option, (f, t) -> List.of("intruders", "--base", f.toString(), "--tuned", f.toString(),
                    option, t.toString()));
        }
        for (BudgetExportViewModel.ExportFormat format : BudgetExportViewModel.ExportFormat.values()) {
            all.add(Arguments.of("Budget export " + format, (Writer) (f, t) -> dialog(f, wb -> {
                BudgetViewModel budget = new BudgetViewModel(wb,
                        new EngineBudgetServices(() -> Backends.select(Backends.Preference.JAVA)), Debouncer.immediate());
                budget.exports().export(format, t);
            })));
        }
        all.add(Arguments.of("Compare JSON export", (Writer) (f, t) -> dialog(f, wb -> compare(wb, f).exports().exportJson(t))));
        all.add(Arguments.of("Compare mitigation export", (Writer) (f, t) -> dialog(f,
                wb -> compare(wb, f).exports().exportMitigated(t))));
        all.add(Arguments.of("Report export", (Writer) (f, t) -> dialog(f, wb -> new ReportExportViewModel(wb).exportTo(t))));
        all.add(Arguments.of("Metrics table CSV", (Writer) (f, t) -> dialog(f, wb -> {
            MetricsTableViewModel table = new MetricsTableViewModel(wb);
            table.exportCsv(List.copyOf(table.rows()), t);
        })));
        all.add(Arguments.of("Picture export", (Writer) (f, t) -> dialog(f, wb -> picture(wb.pictureExporter(), t))));
        // nothing compared yet: the Compare charts' pictures still refuse the workbench's open checkpoints
        all.add(Arguments.of("Compare picture export", (Writer) (f, t) -> dialog(f, wb -> picture(
                new CompareViewModel(wb, new EngineCompareServices(() -> Backends.select(Backends.Preference.JAVA)))
                        .pictureExporter(), t))));
        all.add(Arguments.of("Learn picture export", (Writer) (f, t) -> dialog(f, wb -> picture(
                LearnViewModel.forWorkbench(wb, () -> Backends.select(Backends.Preference.JAVA)).pictureExporter(wb.dialogs()),
                t))));
        return all.stream();
    }

    /** Exports a small chart picture to {@code target} through {@code exporter}. */
    private static void picture(PictureExporter exporter, Path target) {
        XYSeries s = new XYSeries("σ");
        s.add(1, 2);
        s.add(2, 1);
        exporter.exportTo(target, PictureExporter.Format.PNG, new ChartSize(120, 90),
                Picture.of(ChartFactory.createXYLineChart("σ", "i", "σ", new XYSeriesCollection(s))));
    }

    private static void cli(List<Arguments> all, String name, java.util.function.BiFunction<Path, Path, List<String>> args) {
        all.add(Arguments.of("CLI " + name, (Writer) (f, t) -> {
            List<String> a = new ArrayList<>(args.apply(f, t));
            if (!a.get(0).equals("intruders")) {
                a.addAll(List.of("--no-cache", "--quiet"));
            }
            a.addAll(List.of("--engine", "java"));
            CliRun run = CliRun.of(a.toArray(String[]::new));
            assertEquals(2, run.exitCode(), run.err());
            List<String> lines = run.err().lines().filter(l -> !l.isBlank()).toList();
            assertEquals(1, lines.size(), run.err());
            assertTrue(lines.get(0).startsWith("rankscope: "), lines.get(0));
            return lines.get(0).substring("rankscope: ".length());
        }));
    }

    private static CompareViewModel compare(WorkbenchViewModel wb, Path folder) {
        CompareViewModel vm = new CompareViewModel(wb, new EngineCompareServices(() -> Backends.select(Backends.Preference.JAVA)));
        vm.compare(folder, folder);
        assertTrue(vm.results().getReport() != null && !vm.results().getReport().matrices().isEmpty(), vm.messageProperty().get());
        return vm;
    }

    /** Opens {@code folder} in a same-thread workbench, runs {@code action}, returns the one error dialog's message. */
    private static String dialog(Path folder, java.util.function.Consumer<WorkbenchViewModel> action) {
        FakeDialogService dialogs = new FakeDialogService();
        WorkbenchViewModel wb = new WorkbenchViewModel(
                new EngineWorkbenchServices(() -> Backends.select(Backends.Preference.JAVA), 1),
                dialogs, new InMemorySettingsStore(), WorkbenchExecutors.sameThread());
        wb.open(folder);
        assertEquals(List.of(), dialogs.errors, "opening");
        action.accept(wb);
        assertEquals(1, dialogs.errors.size(), dialogs.errors.toString());
        return dialogs.errors.get(0).message();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("writers")
    void refusesToWriteOntoAnInputFileOrIntoAnInputFolder(String name, Writer writer) throws IOException {
        Path folder = Gpt2Checkpoint.write(tmp.resolve("gpt2"));
        Path weights = folder.resolve("model.safetensors");
        String before = digest(folder);
        List<Path> inputs = List.of(weights, folder.resolve("config.json"), folder);

        Path onto = weights;
        assertEquals(expected(inputs, onto), writer.write(folder, onto), name + " onto an input file");
        Path into = folder.resolve("output-of-" + name.replaceAll("[^a-zA-Z]+", "-") + ".out");
        assertEquals(expected(inputs, into), writer.write(folder, into), name + " into an input folder");

        assertEquals(before, digest(folder), "the input folder is unchanged (no file replaced, none added)");
    }

    /** The rule's own sentence for {@code target}. */
    private static String expected(List<Path> inputs, Path target) {
        return assertThrows(RankscopeException.class, () -> ProtectedInputs.writer(inputs).checkAllowed(target)).userMessage();
    }

    /** Names and bytes of every file in {@code folder}. */
    private static String digest(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (Path p : files.sorted().toList()) {
                sha.update(p.getFileName().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update(Files.readAllBytes(p));
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
