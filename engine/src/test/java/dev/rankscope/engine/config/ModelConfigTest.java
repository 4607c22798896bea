package dev.rankscope.engine.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** config.json and GGUF model facts (SPEC §7 "split by the config's head counts"). */
class ModelConfigTest {

    @Test
    void gpt2StyleKeys() {
        ModelConfig c = ModelConfig.parse("{\"model_type\": \"gpt2\", \"n_embd\": 768, \"n_head\": 12, \"n_layer\": 12,"
                + " \"architectures\": [\"GPT2LMHeadModel\"]}", "config.json");
        assertEquals("gpt2", c.modelType());
        assertEquals(List.of("GPT2LMHeadModel"), c.architectures());
        assertEquals(768, c.hiddenSize());
        assertEquals(12, c.heads());
        assertEquals(12, c.kvHeads(), "key/value heads default to the head count");
        assertEquals(64, c.headDim());
        assertEquals(12, c.layers());
        assertTrue(c.hasHeadCounts());
        assertEquals("gpt2, d=768, 12 heads (kv 12) × 64, 12 layers", c.describe());
    }

    @Test
    void gqaAndExplicitHeadDim() {
        ModelConfig phi3 = ModelConfig.parse("{\"model_type\": \"phi3\", \"hidden_size\": 3072, \"num_attention_heads\": 32,"
                + " \"num_key_value_heads\": 8, \"num_hidden_layers\": 32}", "c");
        assertEquals(8, phi3.kvHeads());
        assertEquals(96, phi3.headDim());
        ModelConfig gemma = ModelConfig.parse("{\"hidden_size\": 2048, \"num_attention_heads\": 8, \"head_dim\": 256,"
                + " \"num_key_value_heads\": 1}", "c");
        assertEquals(256, gemma.headDim(), "explicit head_dim wins over hidden/heads");
    }

    @Test
    void falconVariants() {
        ModelConfig f7 = ModelConfig.parse("{\"model_type\": \"falcon\", \"hidden_size\": 4544, \"num_attention_heads\": 71,"
                + " \"multi_query\": true, \"new_decoder_architecture\": false}", "c");
        assertEquals(1, f7.kvHeads(), "multi_query: one key/value head");
        assertEquals(64, f7.headDim());
        ModelConfig f40 = ModelConfig.parse("{\"model_type\": \"falcon\", \"hidden_size\": 8192, \"num_attention_heads\": 128,"
                + " \"num_kv_heads\": 8, \"new_decoder_architecture\": true, \"multi_query\": true}", "c");
        assertEquals(8, f40.kvHeads(), "new decoder architecture takes num_kv_heads even with multi_query");
        assertTrue(f40.newDecoderArchitecture());
        ModelConfig rw = ModelConfig.parse("{\"model_type\": \"RefinedWeb\", \"n_embed\": 8192, \"n_head\": 128,"
                + " \"n_head_kv\": 8, \"new_decoder_architecture\": true}", "c");
        assertEquals("refinedweb", rw.modelType());
        assertEquals(8, rw.kvHeads());
        assertEquals(64, rw.headDim());
    }

    @Test
    void malformedMissingOrHeadlessGiveReasonsNotExceptions(@TempDir Path dir) throws Exception {
        Path model = Files.createFile(dir.resolve("model.safetensors"));
        ModelConfig missing = ModelConfig.near(model);
        assertTrue(missing.isEmpty());
        assertEquals("no config.json next to model.safetensors", missing.note());
        Files.writeString(dir.resolve("config.json"), "{not json");
        ModelConfig broken = ModelConfig.near(model);
        assertTrue(broken.isEmpty());
        assertTrue(broken.note().contains("is not valid JSON"), broken.note());
        assertTrue(ModelConfig.parse("[1]", "x").isEmpty());
        Files.write(dir.resolve("config.json"), new byte[(int) ModelConfig.MAX_BYTES + 1]);
        assertTrue(ModelConfig.near(dir).note().contains("more than"), "size cap");
        ModelConfig headless = ModelConfig.parse("{\"model_type\": \"resnet\", \"num_attention_heads\": \"many\"}", "cfg");
        assertFalse(headless.isEmpty());
        assertFalse(headless.hasHeadCounts());
        assertEquals("cfg gives no attention head counts", headless.note());
    }

    @Test
    void displayFactsKeepKnownKeysInOrder(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"vocab_size\": 32000, \"model_type\": \"llama\", "
                + "\"architectures\": [\"LlamaForCausalLM\"], \"rope_scaling\": {\"x\": 1}, \"torch_dtype\": null}");
        Map<String, String> facts = ModelConfig.near(dir).facts();
        assertEquals(List.of("model_type", "architectures", "vocab_size"), List.copyOf(facts.keySet()));
    }

    @Test
    void ggufMetadata() {
        ModelConfig g = ModelConfig.fromGguf(Map.of("general.architecture", "llama", "llama.embedding_length", "4096",
                "llama.attention.head_count", "32", "llama.attention.head_count_kv", "8", "llama.block_count", "32"));
        assertEquals("GGUF metadata", g.source());
        assertEquals("llama", g.modelType());
        assertEquals(32, g.heads());
        assertEquals(8, g.kvHeads());
        assertEquals(128, g.headDim());
        assertEquals(32, g.layers());
        assertEquals("4096", g.facts().get("llama.embedding_length"));
        assertFalse(ModelConfig.fromGguf(Map.of("general.architecture", "bert")).hasHeadCounts());
    }
}
