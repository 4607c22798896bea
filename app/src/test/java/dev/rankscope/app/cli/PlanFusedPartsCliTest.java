package dev.rankscope.app.cli;

import dev.rankscope.analysis.plan.FusedPartFactors;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code rankscope plan --fused-parts} on a generated GPT-2: the q/k/v parts of every
 * {@code c_attn} are planned in place of the fused matrix and the verified factorised file holds
 * them as parts (SPEC §5); a PEFT config of such a plan is refused in one line, exit 2, nothing written.
 */
class PlanFusedPartsCliTest {
    @TempDir
    Path dir;

    private int run(StringWriter out, StringWriter err, String... args) {
        CommandLine root = RankscopeCli.commandLine(new PrintWriter(out), new PrintWriter(err));
        return root.execute(args);
    }

    @Test
    void plansAndExportsTheParts() throws Exception {
        Path model = dir.resolve("gpt2");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(0, run(out, err, "generate", model.toString(), "--model", "gpt2-tiny", "--dtype", "F32"), err.toString());
        Path factorised = dir.resolve("f.safetensors");
        out = new StringWriter();
        err = new StringWriter();
        assertEquals(0, run(out, err, "plan", model.toString(), "--fused-parts", "--keep", "0.5", "--no-cache", "--quiet",
                "--factorized", factorised.toString()), err.toString());
        assertTrue(out.toString().contains("c_attn.weight#q"), out.toString());
        assertFalse(out.toString().contains("c_attn.weight "), "no fused c_attn row: " + out);
        assertTrue(out.toString().contains("verified"), out.toString());
        try (TensorSource f = Checkpoints.open(factorised)) {
            assertTrue(f.metadata().containsKey(FusedPartFactors.METADATA_KEY));
        }

        Path peft = dir.resolve("adapter_config.json");
        out = new StringWriter();
        err = new StringWriter();
        assertEquals(2, run(out, err, "plan", model.toString(), "--fused-parts", "--keep", "0.5", "--no-cache", "--quiet",
                "--peft", peft.toString()));
        java.util.List<String> lines = err.toString().strip().lines().filter(l -> !l.startsWith("rankscope: note:")).toList();
        assertEquals(1, lines.size(), err.toString());
        String line = lines.get(0);
        assertTrue(line.contains("is a part of a fused matrix; LoRA targets whole modules"), line);
        assertFalse(Files.exists(peft));
    }
}
