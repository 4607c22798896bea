package dev.rankscope.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.engine.synth.SampleCheckpoints;
import dev.rankscope.engine.synth.SyntheticFinetunes;
import dev.rankscope.engine.synth.SyntheticModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end on files: the generator's tiny base model, its LoRA adapter with a planted intruder
 * (SampleCheckpoints' recipe) and its dense fine-tune, through the real {@code rankscope} command.
 */
class IntrudersSamplesTest {
    @TempDir
    static Path tmp;

    static Path base;
    static Path lora;
    static Path finetuned;
    static SyntheticFinetunes.LoraAdapterSummary planted;

    @BeforeAll
    static void writeSamples() {
        base = tmp.resolve("tiny-llama");
        lora = tmp.resolve("tiny-llama-lora");
        finetuned = tmp.resolve("tiny-llama-finetuned");
        SyntheticModel.write(base, SyntheticModel.Parameters.of(ModelShape.tiny(), SampleCheckpoints.BASE_SEED));
        planted = SyntheticFinetunes.writeLoraAdapter(base, lora, SampleCheckpoints.LORA_RANK,
                SampleCheckpoints.LORA_TARGETS, SampleCheckpoints.LORA_ALPHA, SampleCheckpoints.LORA_SEED);
        SyntheticFinetunes.writeFullFinetune(base, finetuned, SampleCheckpoints.FINETUNE_SEED);
    }

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return RankscopeCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
    }

    @Test
    void jsonOrCsvOntoAnInputIsRefusedAndTheInputStaysAsItWas() throws Exception {
        Path shard = java.nio.file.Files.list(finetuned).filter(f -> f.toString().endsWith(".safetensors"))
                .findFirst().orElseThrow();
        byte[] before = java.nio.file.Files.readAllBytes(shard);
        assertEquals(RankscopeCli.EXIT_BAD_INPUT, run("intruders", "--base", base.toString(), "--tuned",
                finetuned.toString(), "--engine", "java", "--json", shard.toString()), err.toString());
        assertEquals(RankscopeCli.EXIT_BAD_INPUT, run("intruders", "--base", base.toString(), "--tuned",
                finetuned.toString(), "--engine", "java", "--csv", shard.toString()), err.toString());
        org.junit.jupiter.api.Assertions.assertArrayEquals(before, java.nio.file.Files.readAllBytes(shard));
        assertTrue(err.toString().contains(shard.getFileName().toString()), err.toString());
        assertFalse(err.toString().contains("Exception"), err.toString());
    }

    @Test
    void adapterShowsThePlantedIntruder() throws Exception {
        Path json = tmp.resolve("lora.json");
        assertEquals(0, run("intruders", "--base", base.toString(), "--adapter", lora.toString(), "--engine", "java",
                "--json", json.toString()), err.toString());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        assertEquals(planted.modules().size(), root.get("matrices").size(), "only adapted matrices by default");
        JsonNode hit = null;
        for (JsonNode m : root.get("matrices")) {
            if (m.get("name").asText().equals(planted.plantedModule() + ".weight")) {
                hit = m;
            }
        }
        assertTrue(hit != null, planted.plantedModule());
        assertEquals(1, hit.get("layer").asInt());
        assertEquals("q", hit.get("module").asText());
        assertEquals(1, hit.get("intruder_ranks").get(0).asInt(), hit.toString());
        assertTrue(hit.get("max_cosine").get(0).asDouble() < 0.5, hit.toString());
        // σ₁(W_t) is dominated by the planted update t·u·vᵀ (u, v orthogonal to W₀'s top directions)
        double sigma = hit.get("intruder_sigma").get(0).asDouble();
        assertEquals(planted.plantedSigma(), sigma, 0.15 * planted.plantedSigma());
        assertTrue(root.get("total").asInt() >= 1);
        assertTrue(out.toString().contains(planted.plantedModule() + ".weight"), out.toString());
    }

    @Test
    void fullFinetuneComparesEveryMatrixOfTheIncludedLayer() throws Exception {
        Path csv = tmp.resolve("full.csv");
        assertEquals(0, run("intruders", "--base", base.toString(), "--tuned", finetuned.toString(), "--engine", "java",
                "--k", "5", "--epsilon", "0.3", "--csv", csv.toString(), "--include", "layers\\.0\\."), err.toString());
        List<String> rows = Files.readAllLines(csv).subList(1, 8);
        assertEquals(8, Files.readAllLines(csv).size(), "layer 0's q,k,v,o,gate,up,down");
        for (String row : rows) {
            assertTrue(row.startsWith("model.layers.0."), row);
            assertTrue(row.endsWith(",false"), "a dense fine-tune changes every matrix: " + row);
        }
        assertTrue(out.toString().contains("total: "), out.toString());
    }

    @Test
    void mitigateWritesAMergedCheckpointWithoutThePlantedIntruder() throws Exception {
        Path mitigated = tmp.resolve("mitigated.safetensors");
        String plantedRegex = java.util.regex.Pattern.quote(planted.plantedModule()) + "\\.weight";
        assertEquals(0, run("intruders", "--base", base.toString(), "--adapter", lora.toString(), "--engine", "java",
                "--include", plantedRegex, "--mitigate", mitigated.toString(), "--lambda", "0"), err.toString());
        assertTrue(err.toString().contains("wrote " + mitigated), err.toString());
        out.getBuffer().setLength(0);
        Path json = tmp.resolve("after.json");
        // λ = 0 removes the planted direction: the mitigated checkpoint no longer has it at rank 1
        assertEquals(0, run("intruders", "--base", base.toString(), "--tuned", mitigated.toString(), "--engine", "java",
                "--include", plantedRegex, "--json", json.toString()), err.toString());
        JsonNode m = new ObjectMapper().readTree(json.toFile()).get("matrices").get(0);
        assertTrue(m.get("intruder_sigma").size() == 0
                || m.get("intruder_sigma").get(0).asDouble() < 0.5 * planted.plantedSigma(), m.toString());
        assertEquals(2, run("intruders", "--base", base.toString(), "--adapter", lora.toString(), "--lambda", "-1"));
    }

    @Test
    void anAdapterFolderWithoutConfigIsBadInput() {
        assertEquals(2, run("intruders", "--base", base.toString(), "--adapter", base.toString()));
        assertTrue(err.toString().strip().startsWith("rankscope: tiny-llama: is not a PEFT adapter folder"), err.toString());
    }
}
