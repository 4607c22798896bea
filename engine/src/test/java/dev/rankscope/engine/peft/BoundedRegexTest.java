package dev.rankscope.engine.peft;

import dev.rankscope.engine.RankscopeException;
import org.junit.jupiter.api.Test;

import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/** Regression for the fuzzing finding: a hostile target_modules regex must not hang. */
class BoundedRegexTest {
    @Test
    void ordinaryPatternsMatchAsUsual() {
        assertTrue(BoundedRegex.matches(Pattern.compile(".*\\.(q_proj|v_proj)"), "model.layers.3.self_attn.q_proj"));
        assertFalse(BoundedRegex.matches(Pattern.compile(".*\\.(q_proj|v_proj)"), "model.layers.3.mlp.up_proj"));
    }

    @Test
    void catastrophicBacktrackingIsRefusedWithAMessage() {
        Pattern evil = Pattern.compile("(.*a){12}"); // ~9 s unbounded on 31 characters
        String name = "a".repeat(30) + "b";
        RankscopeException e = assertThrows(RankscopeException.class, () -> BoundedRegex.matches(evil, name));
        assertTrue(e.userMessage().contains("adapter_config.json"), e.userMessage());
    }

    @Test
    void invalidTargetRegexIsAMalformedConfig() {
        String json = "{\"peft_type\":\"LORA\",\"r\":8,\"lora_alpha\":16,\"target_modules\":\"(q_proj\"}";
        assertThrows(dev.rankscope.engine.tensor.CheckpointFormatException.class,
                () -> PeftAdapterConfig.parse(json, java.nio.file.Path.of("adapter_config.json")));
    }
}
