package dev.rankscope.application.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ModelConfigFactsTest {

    @Test
    void keepsKnownKeysInDisplayOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 32000, \"model_type\": \"llama\", "
                + "\"architectures\": [\"LlamaForCausalLM\"], \"rope_scaling\": {\"x\": 1}, \"torch_dtype\": null}");
        Path model = Files.createFile(dir.resolve("model.safetensors"));
        Map<String, String> facts = ModelConfigFacts.near(model);
        assertEquals(List.of("model_type", "architectures", "vocab_size"), List.copyOf(facts.keySet()));
        assertEquals("LlamaForCausalLM", facts.get("architectures"));
        assertEquals("32000", facts.get("vocab_size"));
        assertEquals(facts, ModelConfigFacts.near(dir), "folder or file beside it");
    }

    @Test
    void missingOrBrokenConfigGivesNoFacts(@TempDir Path dir) throws Exception {
        assertEquals(Map.of(), ModelConfigFacts.near(dir));
        Files.writeString(dir.resolve("config.json"), "{not json");
        assertEquals(Map.of(), ModelConfigFacts.near(dir));
        assertEquals(Map.of(), ModelConfigFacts.parse("[1, 2]"));
    }
}
