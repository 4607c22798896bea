package dev.rankscope.runtime;

import dev.rankscope.engine.tensor.TensorSource;

import java.util.List;

/**
 * Llama-family decoder (llama, mistral, qwen2; SPEC §8): pre-RMSNorm blocks, RoPE (rotate-half,
 * {@code rope_theta}, linear / llama3 scaling), GQA, SwiGLU MLP, optional q/k/v (and any other)
 * biases when the checkpoint has them, final RMSNorm, lm_head or the tied embedding.
 */
final class LlamaModel extends Transformer {

    LlamaModel(RuntimeConfig cfg, TensorSource source) {
        super(cfg, source, "embed_tokens.weight", "layers.");
        int h = cfg.hidden();
        int q = cfg.heads() * cfg.headDim();
        int kv = cfg.kvHeads() * cfg.headDim();
        for (int l = 0; l < cfg.layers(); l++) {
            String p = layer(l);
            String attnIn = p + "self_attn:input";
            add(new LinearModule(p + "self_attn.q_proj", l, h, q, false, attnIn));
            add(new LinearModule(p + "self_attn.k_proj", l, h, kv, false, attnIn));
            add(new LinearModule(p + "self_attn.v_proj", l, h, kv, false, attnIn));
            add(new LinearModule(p + "self_attn.o_proj", l, q, h, false, p + "self_attn.o_proj"));
            String mlpIn = p + "mlp:input";
            add(new LinearModule(p + "mlp.gate_proj", l, h, cfg.intermediate(), false, mlpIn));
            add(new LinearModule(p + "mlp.up_proj", l, h, cfg.intermediate(), false, mlpIn));
            add(new LinearModule(p + "mlp.down_proj", l, cfg.intermediate(), h, false, p + "mlp.down_proj"));
        }
        if (!cfg.tieWordEmbeddings() && source.find("lm_head.weight").isPresent()) {
            add(new LinearModule("lm_head", -1, h, cfg.vocabSize(), false, "lm_head"));
        }
    }


    @Override
    void begin(Pass pass) {
        pass.rope = Kernels.ropeTables(cfg, pass.batch.maxLength);
    }

    @Override
    FloatMatrix embed(Pass pass) {
        return embedRows(prefix + "embed_tokens.weight", pass);
    }

    @Override
    List<String> embeddingTables() {
        return List.of(prefix + "embed_tokens.weight");
    }

    @Override
    FloatMatrix block(int l, FloatMatrix x, Pass pass) {
        String p = layer(l);
        Weights w = pass.weights;
        LinearModule qm = module(p + "self_attn.q_proj");
        LinearModule km = module(p + "self_attn.k_proj");
        LinearModule vm = module(p + "self_attn.v_proj");
        FloatMatrix a = Kernels.rmsNorm(x, w.read(p + "input_layernorm.weight", cfg.hidden()), cfg.normEps());
        w.observe(List.of(qm, km, vm), a);
        FloatMatrix q = w.apply(qm, a);
        FloatMatrix k = w.apply(km, a);
        FloatMatrix v = w.apply(vm, a);
        a = null;
        Kernels.rope(q, cfg.heads(), cfg.headDim(), pass.positions, pass.rope);
        Kernels.rope(k, cfg.kvHeads(), cfg.headDim(), pass.positions, pass.rope);
        FloatMatrix ctx = Kernels.attention(q, k, v, pass.batch, cfg.heads(), cfg.kvHeads(), cfg.headDim(), true,
                cfg.slidingWindow());
        q = null;
        k = null;
        v = null;
        Kernels.addInPlace(x, w.observeAndApply(module(p + "self_attn.o_proj"), ctx));
        ctx = null;
        LinearModule gm = module(p + "mlp.gate_proj");
        LinearModule um = module(p + "mlp.up_proj");
        FloatMatrix m = Kernels.rmsNorm(x, w.read(p + "post_attention_layernorm.weight", cfg.hidden()), cfg.normEps());
        w.observe(List.of(gm, um), m);
        FloatMatrix g = w.apply(gm, m);
        FloatMatrix u = w.apply(um, m);
        m = null;
        Kernels.siluMul(g, u, cfg.activation());
        u = null;
        Kernels.addInPlace(x, w.observeAndApply(module(p + "mlp.down_proj"), g));
        return x;
    }

    @Override
    FloatMatrix finalNorm(FloatMatrix x, Pass pass) {
        return Kernels.rmsNorm(x, pass.weights.read(prefix + "norm.weight", cfg.hidden()), cfg.normEps());
    }

    @Override
    LinearModule headModule() {
        return modules().stream().filter(m -> m.name().equals("lm_head")).findFirst().orElse(null);
    }

    @Override
    String tiedHeadTensor() {
        if (!cfg.tieWordEmbeddings() && source.find("lm_head.weight").isEmpty()) {
            throw new ModelRuntimeException("Weights " + source.path() + " have no lm_head.weight and config.json "
                    + "does not tie word embeddings, so there are no logits to compute.");
        }
        return prefix + "embed_tokens.weight";
    }
}
