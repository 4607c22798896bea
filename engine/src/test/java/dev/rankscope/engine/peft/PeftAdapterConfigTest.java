package dev.rankscope.engine.peft;

import dev.rankscope.engine.tensor.CheckpointFormatException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PeftAdapterConfigTest {
    private static final Path FILE = Path.of("adapter_config.json");

    @Test
    void parsesPeftFieldsAndIgnoresUnknownOnes() {
        PeftAdapterConfig c = PeftAdapterConfig.parse("""
                {"peft_type": "LORA", "r": 16, "lora_alpha": 32, "lora_dropout": 0.05, "bias": "none",
                 "target_modules": ["q_proj", "v_proj"], "fan_in_fan_out": false, "use_rslora": false,
                 "rank_pattern": {}, "alpha_pattern": {}, "task_type": "CAUSAL_LM",
                 "base_model_name_or_path": "meta-llama/Llama-2-7b-hf", "use_dora": false}""", FILE);
        assertEquals(16, c.r());
        assertEquals(32.0, c.loraAlpha());
        assertEquals(List.of("q_proj", "v_proj"), c.targetModules());
        assertNull(c.targetModulesRegex());
        assertEquals("meta-llama/Llama-2-7b-hf", c.baseModelNameOrPath());
        assertEquals(2.0, c.scalingFor("model.layers.0.self_attn.q_proj"));
        assertTrue(c.isTarget("model.layers.0.self_attn.q_proj"));
        assertFalse(c.isTarget("model.layers.0.self_attn.k_proj"));
    }

    @Test
    void rsloraScalesByRootOfRank() {
        PeftAdapterConfig c = PeftAdapterConfig.parse(
                "{\"peft_type\":\"LORA\",\"r\":16,\"lora_alpha\":8,\"use_rslora\":true}", FILE);
        assertEquals(8.0 / 4.0, c.scalingFor("anything.q_proj"), 1e-15);
    }

    @Test
    void rankAndAlphaPatternsMatchLikePeft() {
        PeftAdapterConfig c = PeftAdapterConfig.parse("""
                {"peft_type":"LORA","r":8,"lora_alpha":16,
                 "rank_pattern":{"layers.3.self_attn.q_proj": 24, "v_proj": 4},
                 "alpha_pattern":{"model.layers.3.self_attn.q_proj": 12}}""", FILE);
        String q3 = "model.layers.3.self_attn.q_proj";
        assertEquals(24, c.rankFor(q3));
        assertEquals(12.0, c.alphaFor(q3));
        assertEquals(12.0 / 24, c.scalingFor(q3), 1e-15);
        // "layers.3..." must match at a dot boundary: layer 13 keeps the defaults
        String q13 = "model.layers.13.self_attn.q_proj";
        assertEquals(8, c.rankFor(q13));
        assertEquals(2.0, c.scalingFor(q13));
        assertEquals(4, c.rankFor("model.layers.0.self_attn.v_proj"));
        assertEquals(8, c.rankFor("model.layers.0.self_attn.vv_proj"));
        assertEquals(16.0 / 4, c.scalingFor("model.layers.0.self_attn.v_proj"));
    }

    @Test
    void targetModulesMayBeARegex() {
        PeftAdapterConfig c = PeftAdapterConfig.parse(
                "{\"peft_type\":\"LORA\",\"r\":4,\"lora_alpha\":4,\"target_modules\":\".*\\\\.(q|v)_proj\"}", FILE);
        assertEquals(".*\\.(q|v)_proj", c.targetModulesRegex());
        assertTrue(c.targetModules().isEmpty());
        assertTrue(c.isTarget("model.layers.1.self_attn.v_proj"));
        assertFalse(c.isTarget("model.layers.1.mlp.up_proj"));
        assertTrue(PeftAdapterConfig.parse("{\"peft_type\":\"LORA\",\"target_modules\":\"all-linear\"}", FILE)
                .isTarget("model.layers.1.mlp.up_proj"));
    }

    @Test
    void otherPeftTypesAreUnsupported() {
        CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                () -> PeftAdapterConfig.parse("{\"peft_type\":\"IA3\"}", FILE));
        assertEquals(CheckpointFormatException.Category.UNSUPPORTED, e.category());
        assertTrue(e.userMessage().startsWith("adapter_config.json: peft_type IA3 is not supported"), e.userMessage());
        CheckpointFormatException dora = assertThrows(CheckpointFormatException.class,
                () -> PeftAdapterConfig.parse("{\"peft_type\":\"LORA\",\"r\":4,\"use_dora\":true}", FILE));
        assertEquals(CheckpointFormatException.Category.UNSUPPORTED, dora.category());
    }

    @Test
    void malformedConfigsNameTheProblem() {
        assertEquals(CheckpointFormatException.Category.MALFORMED_HEADER, assertThrows(CheckpointFormatException.class,
                () -> PeftAdapterConfig.parse("{\"peft_type\":", FILE)).category());
        assertEquals(CheckpointFormatException.Category.MALFORMED_HEADER, assertThrows(CheckpointFormatException.class,
                () -> PeftAdapterConfig.parse("{\"lora_alpha\":4}", FILE)).category());
        CheckpointFormatException badR = assertThrows(CheckpointFormatException.class,
                () -> PeftAdapterConfig.parse("{\"peft_type\":\"LORA\",\"r\":\"eight\"}", FILE));
        assertTrue(badR.userMessage().contains("\"r\" must be an integer"), badR.userMessage());
        assertThrows(CheckpointFormatException.class,
                () -> PeftAdapterConfig.parse("{\"peft_type\":\"LORA\",\"r\":0}", FILE));
    }
}
