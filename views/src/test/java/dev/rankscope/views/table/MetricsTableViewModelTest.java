package dev.rankscope.views.table;

import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.testing.FakeWorkbenchServices;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetricsTableViewModelTest {
    final FakeDialogService dialogs = new FakeDialogService();
    final WorkbenchViewModel wb = new WorkbenchViewModel(new FakeWorkbenchServices(), dialogs, new InMemorySettingsStore(),
            WorkbenchExecutors.sameThread());

    @Test
    void rowsStreamInAndFilter() {
        MetricsTableViewModel vm = new MetricsTableViewModel(wb);
        assertEquals(0, vm.rows().size());
        wb.open(Path.of("/m/a.safetensors"));
        assertEquals(23, vm.rows().size());
        vm.filterTextProperty().set("MLP.DOWN");
        assertEquals(3, vm.rows().size());
        vm.filterTextProperty().set("q");
        assertEquals(3, vm.rows().size(), "an exact module label matches the module");
        vm.filterTextProperty().set("");
        assertEquals(23, vm.rows().size());
        vm.select(List.of(vm.rows().get(4)));
        assertEquals(vm.rows().get(4).entry(), wb.getCurrent());
    }

    @Test
    void csvHasAHeaderOneLinePerRowAndQuotes() {
        wb.open(Path.of("/m/a,b.safetensors"));
        MetricsTableViewModel vm = new MetricsTableViewModel(wb);
        String csv = MetricsTableViewModel.toCsv(List.of(vm.rows().get(0)));
        String[] lines = csv.split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("checkpoint,name,layer,module,m,n,dtype,erank,"), lines[0]);
        assertTrue(lines[1].startsWith("\"a,b.safetensors\",lm_head.weight,-1,lm_head,96,32,BF16,"), lines[1]);
        assertEquals(lines[0].split(",").length, MetricsColumns.ALL.size() + 1);
        String tsv = MetricsTableViewModel.toTsv(List.of(vm.rows().get(0)));
        assertTrue(tsv.split("\n")[1].startsWith("a,b.safetensors\tlm_head.weight\t-1\t"));
    }

    @Test
    void exportWritesTheShownRowsAndReportsFailures(@TempDir Path dir) throws Exception {
        wb.open(Path.of("/m/a.safetensors"));
        MetricsTableViewModel vm = new MetricsTableViewModel(wb);
        Path out = dir.resolve("metrics.csv");
        vm.exportCsv(List.copyOf(vm.rows()), out);
        assertEquals(24, Files.readAllLines(out).size());
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x"); // a folder cannot be made here
        vm.exportCsv(List.copyOf(vm.rows()), notAFolder.resolve("x.csv"));
        assertEquals(1, dialogs.errors.size());
        String message = dialogs.errors.get(0).message();
        assertTrue(message.startsWith("x.csv: cannot ") && !message.contains("Exception"), message);
    }

    @Test
    void weightWatcherExportHasItsColumnsAndTheShownRowsInOrder(@TempDir Path dir) throws Exception {
        wb.open(Path.of("/m/a.safetensors"));
        MetricsTableViewModel vm = new MetricsTableViewModel(wb);
        List<MetricsRow> shown = List.of(vm.rows().get(3), vm.rows().get(1));
        Path out = dir.resolve("details.csv");
        vm.exportWeightWatcherCsv(shown, out);
        List<String> lines = Files.readAllLines(out);
        assertEquals(dev.rankscope.analysis.report.WeightWatcherCsv.header(), List.of(lines.get(0).split(",")));
        assertEquals(3, lines.size());
        String name = shown.get(0).analysis().name().id().replaceFirst("\\.weight$", "");
        assertTrue(lines.get(1).startsWith("1," + name + ","), lines.get(1));
        double s1 = shown.get(0).analysis().ranks().spectralNorm();
        int spectral = dev.rankscope.analysis.report.WeightWatcherCsv.header().indexOf("spectral_norm");
        assertEquals(s1 * s1, Double.parseDouble(lines.get(1).split(",", -1)[spectral]), 0, "WW's spectral_norm is σ₁²");
        vm.exportWeightWatcherCsv(shown, Files.writeString(dir.resolve("f"), "x").resolve("y.csv"));
        assertEquals(1, dialogs.errors.size());
    }

    @Test
    void numbersAreFormattedCompactly() {
        assertEquals("", MetricsColumns.format(Double.NaN));
        assertEquals("inf", MetricsColumns.format(Double.POSITIVE_INFINITY));
        assertEquals("2.7495", MetricsColumns.format(2.7495));
        assertEquals("1.5", MetricsColumns.format(1.5));
        assertEquals("12", MetricsColumns.format(12));
        assertEquals("1.23457e-07", MetricsColumns.format(1.23456789e-7));
    }

    @Test
    void aDegenerateMarchenkoPasturFitIsMarkedInTheTable() {
        wb.open(Path.of("/m/a.safetensors"));
        MetricsTableViewModel vm = new MetricsTableViewModel(wb);
        MetricsRow any = vm.rows().get(0);
        var entry = any.entry();
        // a planted rank-2 spectrum: every MP grid scale is rejected, so WeightWatcher's fit is degenerate
        double[] planted = new double[entry.fullRank()];
        planted[0] = 5;
        planted[1] = 4;
        for (int i = 2; i < planted.length; i++) {
            planted[i] = 1e-9 * (planted.length - i);
        }
        var spectrum = new dev.rankscope.engine.spectrum.Spectrum(entry.ref(), planted,
                dev.rankscope.engine.linalg.SvdMethod.OJALGO, dev.rankscope.engine.spectrum.Precision.F64, false, 1);
        var degenerate = dev.rankscope.analysis.Analyzer.analyze(entry.name(), entry.dtype(), spectrum);
        assertTrue(degenerate.mp() != null && degenerate.mp().degenerate(), "the planted spectrum gives a degenerate fit");
        var smooth = dev.rankscope.analysis.Analyzer.analyze(entry.name(), entry.dtype(),
                new dev.rankscope.engine.spectrum.Spectrum(entry.ref(), dev.rankscope.views.testing.FakeWorkbenchServices.sigma(entry),
                        dev.rankscope.engine.linalg.SvdMethod.OJALGO, dev.rankscope.engine.spectrum.Precision.F64, false, 1));
        assertTrue(smooth.mp() != null && !smooth.mp().degenerate());

        MetricsColumns.Column mpFit = MetricsColumns.ALL.stream().filter(c -> c.header().equals("mp_fit")).findFirst().orElseThrow();
        assertEquals("ww " + MetricsColumns.DEGENERATE_MARK, mpFit.value().apply(new MetricsRow(entry, degenerate)));
        assertEquals("ww", mpFit.value().apply(new MetricsRow(entry, smooth)));
        String csv = MetricsTableViewModel.toCsv(List.of(new MetricsRow(entry, degenerate)));
        assertTrue(csv.split("\n")[1].contains("," + "ww " + MetricsColumns.DEGENERATE_MARK + ","), csv);
    }
}
