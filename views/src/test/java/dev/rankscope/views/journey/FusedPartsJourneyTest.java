package dev.rankscope.views.journey;

import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.application.analyze.AnalyzeJob;
import dev.rankscope.application.model.SweepParameters;
import dev.rankscope.application.plan.PlanJob;
import dev.rankscope.application.plan.PlanParameters;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.testing.SourceTree;
import dev.rankscope.views.budget.BudgetViewModel;
import javafx.scene.control.CheckBox;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.Start;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static dev.rankscope.views.testing.Journeys.waitUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless journey (Monocle): the Budget tab's "Plan fused parts separately" control. On a GPT-2
 * (fused {@code c_attn}) it is enabled; ticking it re-plans with the q/k/v parts in place of the
 * fused matrices — the ranks {@code plan --fused-parts} gives at the same settings — and the
 * quality-vs-size sweep it would run plans parts too. On a checkpoint without fused projections it
 * is disabled.
 */
class FusedPartsJourneyTest extends SampleJourney {
    @TempDir
    Path tmp;

    @Start
    void start(Stage stage) {
        show(stage);
    }

    private Path gpt2() throws Exception {
        Path model = SourceTree.copyGpt2(tmp.resolve("gpt2"));
        Files.writeString(model.resolve("eval.txt"), "the people said that it was time to find the water .\n");
        return model;
    }

    private static Map<String, Integer> ranks(Plan p) {
        return p.matrices().stream().collect(Collectors.toMap(PlannedMatrix::id, PlannedMatrix::rank));
    }

    @Test
    void tickingTheControlPlansTheQkvPartsOfAGpt2(FxRobot robot) throws Exception {
        Path model = gpt2();
        window.openAndWait(robot, model);
        window.selectTab(robot, "Budget");
        BudgetViewModel vm = window.budget.viewModel();
        waitUntil(() -> vm.getPlan() != null);
        CheckBox parts = robot.lookup("#budget-fused-parts").queryAs(CheckBox.class);
        waitUntil(() -> !parts.isDisabled());
        assertFalse(parts.isSelected());
        assertTrue(vm.getPlan().matrix("h.0.attn.c_attn.weight").isPresent(), "whole matrices by default");
        assertFalse(vm.modelLoop().sweepParameters().fusedParts());

        robot.interact(parts::fire);
        waitUntil(() -> vm.getPlan() != null && vm.getPlan().matrix("h.0.attn.c_attn.weight#q").isPresent());
        Plan shown = vm.getPlan();
        for (String layer : List.of("h.0", "h.1")) {
            assertTrue(shown.matrix(layer + ".attn.c_attn.weight").isEmpty(), "parts in place of " + layer + "'s c_attn");
            for (String p : List.of("q", "k", "v")) {
                String id = layer + ".attn.c_attn.weight#" + p;
                assertTrue(vm.rows().stream().anyMatch(r -> r.id().equals(id)), "the per-matrix table lists " + id);
            }
        }
        assertTrue(vm.settings().fusedPartsProperty().get());
        SweepParameters sweep = vm.modelLoop().sweepParameters();
        assertTrue(sweep.fusedParts(), "Quality vs size plans the parts too");

        // the plan job the CLI runs, at the tab's settings, gives the same ranks
        PlanParameters cli = new PlanParameters(model, List.of(vm.settings().strategyProperty().get()), false,
                vm.settings().budget(), vm.settings().scope(), vm.settings().constraints(), null, null, null, 1, false,
                null, null, null, null, true);
        Plan planned = new PlanJob(new AnalyzeJob(new AnalyzeJob.Environment(pref -> new OjAlgoBackend(), null, null,
                java.time.Clock.systemUTC()))).task(cli).runHere().plan();
        assertEquals(ranks(planned), ranks(shown));

        robot.interact(parts::fire);
        waitUntil(() -> vm.getPlan() != null && vm.getPlan().matrix("h.0.attn.c_attn.weight").isPresent());
        assertFalse(vm.modelLoop().sweepParameters().fusedParts());
        assertTrue(dialogs.errors.isEmpty(), dialogs.errors.toString());
    }

    @Test
    void theControlIsDisabledWithoutFusedProjections(FxRobot robot) {
        window.openAndWait(robot, samples.base());
        window.selectTab(robot, "Budget");
        BudgetViewModel vm = window.budget.viewModel();
        waitUntil(() -> vm.getPlan() != null);
        CheckBox parts = robot.lookup("#budget-fused-parts").queryAs(CheckBox.class);
        assertTrue(parts.isDisabled(), "a Llama lists no fused q/k/v projection");
        assertFalse(vm.hasFusedPartsProperty().get());
    }
}
