package dev.rankscope.runtime;

import dev.rankscope.engine.tensor.TensorSource;

import java.util.List;

/**
 * GPT-2 (SPEC §8): token + learned position embeddings, pre-LN blocks, fused {@code c_attn}
 * split q|k|v, causal attention, gelu_new MLP, final {@code ln_f}, LM head tied to {@code wte}.
 * Conv1D weights are stored (in, out); a checkpoint whose weights read back as (out, in) (an
 * ONNX export seen through the engine) is detected from {@code c_attn}'s shape.
 */
final class Gpt2Model extends LearnedPositionsModel {

    Gpt2Model(RuntimeConfig cfg, TensorSource source) {
        super(cfg, source, "wte.weight", "h.");
        int h = cfg.hidden();
        long[] cAttn = source.require(layer(0) + "attn.c_attn.weight").shape();
        boolean inOut = cAttn.length == 2 && cAttn[0] == h && cAttn[1] == 3L * h;
        for (int l = 0; l < cfg.layers(); l++) {
            String p = layer(l);
            add(new LinearModule(p + "attn.c_attn", l, h, 3 * h, inOut, p + "attn.c_attn"));
            add(new LinearModule(p + "attn.c_proj", l, h, h, inOut, p + "attn.c_proj"));
            add(new LinearModule(p + "mlp.c_fc", l, h, cfg.intermediate(), inOut, p + "mlp.c_fc"));
            add(new LinearModule(p + "mlp.c_proj", l, cfg.intermediate(), h, inOut, p + "mlp.c_proj"));
        }
    }


    @Override
    FloatMatrix embed(Pass pass) {
        FloatMatrix x = embedRows(prefix + "wte.weight", pass);
        addRows(x, prefix + "wpe.weight", pass.positions, pass);
        return x;
    }

    @Override
    List<String> embeddingTables() {
        return List.of(prefix + "wte.weight", prefix + "wpe.weight");
    }

    @Override
    FloatMatrix block(int l, FloatMatrix x, Pass pass) {
        String p = layer(l);
        Weights w = pass.weights;
        int h = cfg.hidden();
        FloatMatrix a = Kernels.layerNorm(x, normWeight(p + "ln_1", pass), normBias(p + "ln_1", pass), cfg.normEps());
        FloatMatrix qkv = w.observeAndApply(module(p + "attn.c_attn"), a);
        a = null;
        FloatMatrix ctx = Kernels.attention(columns(qkv, 0, h), columns(qkv, h, h), columns(qkv, 2 * h, h), pass.batch,
                cfg.heads(), cfg.heads(), cfg.headDim(), true, -1);
        qkv = null;
        Kernels.addInPlace(x, w.observeAndApply(module(p + "attn.c_proj"), ctx));
        ctx = null;
        FloatMatrix m = Kernels.layerNorm(x, normWeight(p + "ln_2", pass), normBias(p + "ln_2", pass), cfg.normEps());
        FloatMatrix f = w.observeAndApply(module(p + "mlp.c_fc"), m);
        m = null;
        Kernels.activate(f, cfg.activation());
        Kernels.addInPlace(x, w.observeAndApply(module(p + "mlp.c_proj"), f));
        return x;
    }

    @Override
    FloatMatrix finalNorm(FloatMatrix x, Pass pass) {
        return Kernels.layerNorm(x, normWeight(prefix + "ln_f", pass), normBias(prefix + "ln_f", pass), cfg.normEps());
    }

    @Override
    String tiedHeadTensor() {
        return prefix + "wte.weight";
    }
}
