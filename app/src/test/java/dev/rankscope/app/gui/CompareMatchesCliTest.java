package dev.rankscope.app.gui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.analysis.intruders.IntruderExport;
import dev.rankscope.app.cli.RankscopeCli;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.views.compare.CompareViewModel;
import dev.rankscope.views.compare.EngineCompareServices;
import dev.rankscope.views.fx.WorkbenchExecutors;
import dev.rankscope.application.workbench.EngineWorkbenchServices;
import dev.rankscope.views.service.InMemorySettingsStore;
import dev.rankscope.views.testing.FakeDialogService;
import dev.rankscope.views.workbench.WorkbenchViewModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Compare tab and {@code rankscope intruders --json} give the same numbers for the same inputs. */
class CompareMatchesCliTest {
    @TempDir
    Path dir;

    @Test
    void tabAndCliAgreeOnTheSampleAdapter() throws Exception {
        SampleCheckpoints.Samples s = SampleCheckpoints.writeAll(dir.resolve("samples"));
        Path json = dir.resolve("cli.json");
        StringWriter err = new StringWriter();
        int code = RankscopeCli.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err)).execute(
                "intruders", "--base", s.base().toString(), "--adapter", s.lora().toString(), "--engine", "java",
                "--k", "7", "--epsilon", "0.8", "--json", json.toString());
        assertEquals(0, code, err.toString());

        FakeDialogService dialogs = new FakeDialogService();
        WorkbenchViewModel workbench = new WorkbenchViewModel(new EngineWorkbenchServices(OjAlgoBackend::new, 1), dialogs,
                new InMemorySettingsStore(), WorkbenchExecutors.sameThread());
        CompareViewModel vm = new CompareViewModel(workbench, new EngineCompareServices(OjAlgoBackend::new));
        vm.compare(s.base(), s.lora());
        vm.kProperty().set(7);
        vm.epsilonProperty().set(0.8);
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());

        ObjectMapper mapper = new ObjectMapper();
        JsonNode cli = mapper.readTree(json.toFile());
        JsonNode tab = mapper.readTree(IntruderExport.toJson(vm.getReport(), vm.getParameters()));
        assertEquals(cli.get("k"), tab.get("k"));
        assertEquals(cli.get("epsilon"), tab.get("epsilon"));
        assertEquals(cli.get("total"), tab.get("total"));
        assertEquals(cli.get("layers"), tab.get("layers"));
        assertEquals(cli.get("matrices"), tab.get("matrices"), "every per-matrix number, c_j and σ included");
        assertEquals(cli.get("total").asInt(), vm.totalIntrudersProperty().get());
    }
}
