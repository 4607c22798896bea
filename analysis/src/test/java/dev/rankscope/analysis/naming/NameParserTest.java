package dev.rankscope.analysis.naming;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class NameParserTest {

    @ParameterizedTest(name = "{0} -> layer {1}, {2}")
    @CsvSource(delimiter = '|', textBlock = """
            # Llama / Mistral / Qwen / Gemma
            model.layers.0.self_attn.q_proj.weight            | 0  | Q       | model.layers.0.self_attn.q_proj
            model.layers.12.self_attn.k_proj.weight           | 12 | K       | model.layers.12.self_attn.k_proj
            model.layers.31.self_attn.v_proj.weight           | 31 | V       | model.layers.31.self_attn.v_proj
            model.layers.3.self_attn.o_proj.weight            | 3  | O       | model.layers.3.self_attn.o_proj
            model.layers.3.mlp.gate_proj.weight               | 3  | GATE    | model.layers.3.mlp.gate_proj
            model.layers.3.mlp.up_proj.weight                 | 3  | UP      | model.layers.3.mlp.up_proj
            model.layers.3.mlp.down_proj.weight               | 3  | DOWN    | model.layers.3.mlp.down_proj
            model.embed_tokens.weight                         | -1 | EMBED   | model.embed_tokens
            lm_head.weight                                    | -1 | LM_HEAD | lm_head
            base_model.model.model.layers.7.self_attn.q_proj.weight | 7 | Q  | base_model.model.model.layers.7.self_attn.q_proj
            # Meta original Llama
            layers.4.attention.wq.weight                      | 4  | Q       | layers.4.attention.wq
            layers.4.attention.wo.weight                      | 4  | O       | layers.4.attention.wo
            layers.4.feed_forward.w1.weight                   | 4  | GATE    | layers.4.feed_forward.w1
            layers.4.feed_forward.w2.weight                   | 4  | DOWN    | layers.4.feed_forward.w2
            layers.4.feed_forward.w3.weight                   | 4  | UP      | layers.4.feed_forward.w3
            tok_embeddings.weight                             | -1 | EMBED   | tok_embeddings
            # GPT-2
            transformer.h.0.attn.c_attn.weight                | 0  | QKV     | transformer.h.0.attn.c_attn
            transformer.h.5.attn.c_proj.weight                | 5  | O       | transformer.h.5.attn.c_proj
            transformer.h.5.mlp.c_fc.weight                   | 5  | UP      | transformer.h.5.mlp.c_fc
            transformer.h.11.mlp.c_proj.weight                | 11 | DOWN    | transformer.h.11.mlp.c_proj
            transformer.wte.weight                            | -1 | EMBED   | transformer.wte
            transformer.wpe.weight                            | -1 | EMBED   | transformer.wpe
            h.2.attn.c_attn.weight                            | 2  | QKV     | h.2.attn.c_attn
            # BERT
            bert.encoder.layer.0.attention.self.query.weight  | 0  | Q       | bert.encoder.layer.0.attention.self.query
            bert.encoder.layer.0.attention.self.key.weight    | 0  | K       | bert.encoder.layer.0.attention.self.key
            bert.encoder.layer.0.attention.self.value.weight  | 0  | V       | bert.encoder.layer.0.attention.self.value
            bert.encoder.layer.9.attention.output.dense.weight | 9 | O       | bert.encoder.layer.9.attention.output.dense
            bert.encoder.layer.9.intermediate.dense.weight    | 9  | UP      | bert.encoder.layer.9.intermediate.dense
            bert.encoder.layer.9.output.dense.weight          | 9  | DOWN    | bert.encoder.layer.9.output.dense
            bert.embeddings.word_embeddings.weight            | -1 | EMBED   | bert.embeddings.word_embeddings
            bert.embeddings.position_embeddings.weight        | -1 | EMBED   | bert.embeddings.position_embeddings
            bert.embeddings.token_type_embeddings.weight      | -1 | EMBED   | bert.embeddings.token_type_embeddings
            bert.pooler.dense.weight                          | -1 | OTHER   | bert.pooler.dense
            encoder.layer.1.attention.self.query.weight       | 1  | Q       | encoder.layer.1.attention.self.query
            # DistilBERT
            distilbert.transformer.layer.2.attention.q_lin.weight | 2 | Q    | distilbert.transformer.layer.2.attention.q_lin
            distilbert.transformer.layer.2.attention.out_lin.weight | 2 | O  | distilbert.transformer.layer.2.attention.out_lin
            distilbert.transformer.layer.2.ffn.lin1.weight    | 2  | UP      | distilbert.transformer.layer.2.ffn.lin1
            distilbert.transformer.layer.2.ffn.lin2.weight    | 2  | DOWN    | distilbert.transformer.layer.2.ffn.lin2
            # Phi-2 / Phi-3
            model.layers.1.self_attn.dense.weight             | 1  | O       | model.layers.1.self_attn.dense
            model.layers.1.mlp.fc1.weight                     | 1  | UP      | model.layers.1.mlp.fc1
            model.layers.1.mlp.fc2.weight                     | 1  | DOWN    | model.layers.1.mlp.fc2
            model.layers.1.self_attn.qkv_proj.weight          | 1  | QKV     | model.layers.1.self_attn.qkv_proj
            model.layers.1.mlp.gate_up_proj.weight            | 1  | GATE_UP | model.layers.1.mlp.gate_up_proj
            lm_head.linear.weight                             | -1 | LM_HEAD | lm_head.linear
            layers.3.mixer.Wqkv.weight                        | 3  | QKV     | layers.3.mixer.Wqkv
            layers.3.mixer.out_proj.weight                    | 3  | O       | layers.3.mixer.out_proj
            # T5 (per-stack layer index from parse())
            encoder.block.0.layer.0.SelfAttention.q.weight    | 0  | Q       | encoder.block.0.layer.0.SelfAttention.q
            encoder.block.0.layer.0.SelfAttention.k.weight    | 0  | K       | encoder.block.0.layer.0.SelfAttention.k
            encoder.block.0.layer.0.SelfAttention.v.weight    | 0  | V       | encoder.block.0.layer.0.SelfAttention.v
            encoder.block.0.layer.0.SelfAttention.o.weight    | 0  | O       | encoder.block.0.layer.0.SelfAttention.o
            encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight | 0 | EMBED | encoder.block.0.layer.0.SelfAttention.relative_attention_bias
            encoder.block.4.layer.1.DenseReluDense.wi.weight  | 4  | UP      | encoder.block.4.layer.1.DenseReluDense.wi
            encoder.block.4.layer.1.DenseReluDense.wi_0.weight | 4 | GATE    | encoder.block.4.layer.1.DenseReluDense.wi_0
            encoder.block.4.layer.1.DenseReluDense.wi_1.weight | 4 | UP      | encoder.block.4.layer.1.DenseReluDense.wi_1
            encoder.block.4.layer.1.DenseReluDense.wo.weight  | 4  | DOWN    | encoder.block.4.layer.1.DenseReluDense.wo
            decoder.block.2.layer.1.EncDecAttention.q.weight  | 2  | Q       | decoder.block.2.layer.1.EncDecAttention.q
            decoder.block.2.layer.2.DenseReluDense.wo.weight  | 2  | DOWN    | decoder.block.2.layer.2.DenseReluDense.wo
            shared.weight                                     | -1 | EMBED   | shared
            # Falcon / GPT-NeoX / BLOOM
            transformer.h.7.self_attention.query_key_value.weight | 7 | QKV  | transformer.h.7.self_attention.query_key_value
            transformer.h.7.self_attention.dense.weight       | 7  | O       | transformer.h.7.self_attention.dense
            transformer.h.7.mlp.dense_h_to_4h.weight          | 7  | UP      | transformer.h.7.mlp.dense_h_to_4h
            transformer.h.7.mlp.dense_4h_to_h.weight          | 7  | DOWN    | transformer.h.7.mlp.dense_4h_to_h
            transformer.word_embeddings.weight                | -1 | EMBED   | transformer.word_embeddings
            gpt_neox.layers.2.attention.query_key_value.weight | 2 | QKV     | gpt_neox.layers.2.attention.query_key_value
            gpt_neox.layers.2.attention.dense.weight          | 2  | O       | gpt_neox.layers.2.attention.dense
            embed_out.weight                                  | -1 | LM_HEAD | embed_out
            # GPT-J / OPT
            transformer.h.1.attn.out_proj.weight              | 1  | O       | transformer.h.1.attn.out_proj
            transformer.h.1.mlp.fc_in.weight                  | 1  | UP      | transformer.h.1.mlp.fc_in
            transformer.h.1.mlp.fc_out.weight                 | 1  | DOWN    | transformer.h.1.mlp.fc_out
            model.decoder.layers.5.self_attn.out_proj.weight  | 5  | O       | model.decoder.layers.5.self_attn.out_proj
            model.decoder.layers.5.fc1.weight                 | 5  | UP      | model.decoder.layers.5.fc1
            # GGUF
            blk.0.attn_q.weight                               | 0  | Q       | blk.0.attn_q
            blk.0.attn_k.weight                               | 0  | K       | blk.0.attn_k
            blk.0.attn_v.weight                               | 0  | V       | blk.0.attn_v
            blk.0.attn_output.weight                          | 0  | O       | blk.0.attn_output
            blk.17.attn_qkv.weight                            | 17 | QKV     | blk.17.attn_qkv
            blk.17.ffn_gate.weight                            | 17 | GATE    | blk.17.ffn_gate
            blk.17.ffn_up.weight                              | 17 | UP      | blk.17.ffn_up
            blk.17.ffn_down.weight                            | 17 | DOWN    | blk.17.ffn_down
            blk.17.ffn_gate_inp.weight                        | 17 | OTHER   | blk.17.ffn_gate_inp
            blk.3.ffn_gate_exps.weight[5]                     | 3  | GATE    | blk.3.ffn_gate_exps
            token_embd.weight                                 | -1 | EMBED   | token_embd
            output.weight                                     | -1 | LM_HEAD | output
            # MoE
            model.layers.3.block_sparse_moe.experts.7.w1.weight | 3 | GATE   | model.layers.3.block_sparse_moe.experts.7.w1
            model.layers.3.block_sparse_moe.experts.7.w2.weight | 3 | DOWN   | model.layers.3.block_sparse_moe.experts.7.w2
            model.layers.3.block_sparse_moe.experts.7.w3.weight | 3 | UP     | model.layers.3.block_sparse_moe.experts.7.w3
            model.layers.3.block_sparse_moe.gate.weight       | 3  | OTHER   | model.layers.3.block_sparse_moe.gate
            model.layers.2.mlp.experts.15.gate_proj.weight    | 2  | GATE    | model.layers.2.mlp.experts.15.gate_proj
            model.layers.2.mlp.shared_expert.down_proj.weight | 2  | DOWN    | model.layers.2.mlp.shared_expert.down_proj
            model.layers.2.mlp.gate.weight                    | 2  | OTHER   | model.layers.2.mlp.gate
            model.layers.4.mlp.experts.gate_up_proj[3]        | 4  | GATE_UP | model.layers.4.mlp.experts.gate_up_proj
            model.layers.4.mlp.experts.down_proj[0]           | 4  | DOWN    | model.layers.4.mlp.experts.down_proj
            # Qwen-1, MPT, DeepSeek, CLIP, Whisper
            transformer.h.3.attn.c_attn.weight                | 3  | QKV     | transformer.h.3.attn.c_attn
            transformer.h.3.mlp.w1.weight                     | 3  | UP      | transformer.h.3.mlp.w1
            transformer.h.3.mlp.w2.weight                     | 3  | GATE    | transformer.h.3.mlp.w2
            transformer.h.3.mlp.c_proj.weight                 | 3  | DOWN    | transformer.h.3.mlp.c_proj
            transformer.blocks.4.attn.Wqkv.weight             | 4  | QKV     | transformer.blocks.4.attn.Wqkv
            transformer.blocks.4.ffn.up_proj.weight           | 4  | UP      | transformer.blocks.4.ffn.up_proj
            model.layers.5.self_attn.q_a_proj.weight          | 5  | Q       | model.layers.5.self_attn.q_a_proj
            model.layers.5.self_attn.kv_b_proj.weight         | 5  | OTHER   | model.layers.5.self_attn.kv_b_proj
            vision_model.encoder.layers.2.self_attn.out_proj.weight | 2 | O  | vision_model.encoder.layers.2.self_attn.out_proj
            model.decoder.layers.1.encoder_attn.k_proj.weight | 1  | K       | model.decoder.layers.1.encoder_attn.k_proj
            # fallbacks
            vision.blocks.6.norm_proj.weight                  | 6  | OTHER   | vision.blocks.6.norm_proj
            classifier.weight                                 | -1 | OTHER   | classifier
            encoder.conv1.weight                              | -1 | CONV    | encoder.conv1
            transformer.layers.2.self_attn.in_proj_weight     | 2  | QKV     | transformer.layers.2.self_attn.in_proj_weight
            """)
    void parsesRealNames(String id, int layer, ModuleType module, String moduleName) {
        MatrixName n = NameParser.parse(id);
        assertEquals(id, n.id());
        assertEquals(layer, n.layer(), "layer");
        assertEquals(module, n.module(), "module");
        assertEquals(moduleName, n.moduleName(), "moduleName");
    }

    @Test
    void sliceIndexAndModuleName() {
        assertEquals(5, NameParser.sliceIndex("blk.3.ffn_gate_exps.weight[5]"));
        assertEquals(-1, NameParser.sliceIndex("blk.3.ffn_gate_exps.weight"));
        assertEquals("blk.3.ffn_gate_exps", NameParser.moduleName("blk.3.ffn_gate_exps.weight[5]"));
        assertEquals("a.bias", NameParser.moduleName("a.bias"));
    }

    @Test
    void parseAllNumbersT5DecoderAfterEncoder() {
        // safetensors files list names alphabetically, so decoder names come first
        List<MatrixName> names = NameParser.parseAll(List.of(
                "decoder.block.0.layer.0.SelfAttention.q.weight",
                "decoder.block.1.layer.2.DenseReluDense.wo.weight",
                "encoder.block.0.layer.0.SelfAttention.q.weight",
                "encoder.block.5.layer.1.DenseReluDense.wi.weight",
                "shared.weight"));
        assertEquals(6, names.get(0).layer());
        assertEquals(7, names.get(1).layer());
        assertEquals(ModuleType.DOWN, names.get(1).module());
        assertEquals(0, names.get(2).layer());
        assertEquals(5, names.get(3).layer());
        assertEquals(-1, names.get(4).layer());
        assertEquals("decoder.block.1.layer.2.DenseReluDense.wo", names.get(1).moduleName());
    }

    @Test
    void parseAllLeavesDecoderOnlyModelsAlone() {
        List<MatrixName> names = NameParser.parseAll(List.of(
                "model.decoder.layers.3.self_attn.q_proj.weight", "model.layers.4.mlp.up_proj.weight"));
        assertEquals(3, names.get(0).layer());
        assertEquals(4, names.get(1).layer());
    }

    @Test
    void stackOfLooksOnlyBeforeTheLayerIndex() {
        assertEquals(NameParser.Stack.ENCODER, NameParser.stackOf("encoder.block.0.layer.0.SelfAttention.q"));
        assertEquals(NameParser.Stack.DECODER, NameParser.stackOf("model.decoder.layers.1.encoder_attn.q_proj"));
        assertEquals(NameParser.Stack.NONE, NameParser.stackOf("model.layers.1.self_attn.q_proj"));
    }

    @Test
    void subMatrixSuffixesKeepLayerAndGiveQkvTypes() {
        MatrixName q = NameParser.parse("transformer.h.7.attn.c_attn.weight#q");
        assertEquals(ModuleType.Q, q.module());
        assertEquals(7, q.layer());
        assertEquals("transformer.h.7.attn.c_attn#q", q.moduleName(), "never the fused tensor's PEFT key");
        assertEquals(ModuleType.V, NameParser.parse("gpt_neox.layers.2.attention.query_key_value.weight#v#head5").module());
        assertEquals(ModuleType.O, NameParser.parse("model.layers.3.self_attn.o_proj.weight#head0").module());
        assertEquals(ModuleType.QKV, NameParser.parse("transformer.h.7.attn.c_attn.weight").module());
        assertEquals("transformer.h.7.attn.c_attn.weight", NameParser.wholeId("transformer.h.7.attn.c_attn.weight#k#head1"));
        assertEquals("experts[3]", NameParser.wholeId("experts[3]"));
    }
}
