package dev.rankscope.runtime;

import dev.rankscope.engine.tensor.TensorSource;

import java.util.List;

/**
 * BERT-family encoder (BERT, MiniLM, bge, e5; SPEC §8): {@code LN(word + position +
 * token_type(0))}, post-LN blocks {@code x = LN(x + O(attn(x)))}, {@code x = LN(x + W₂ gelu(W₁x))},
 * bidirectional attention. Each sequence attends only to its own tokens, so no padding (and no
 * padding mask) ever enters the computation.
 */
final class BertModel extends LearnedPositionsModel {

    BertModel(RuntimeConfig cfg, TensorSource source) {
        super(cfg, source, "embeddings.word_embeddings.weight", "encoder.layer.");
        int h = cfg.hidden();
        for (int l = 0; l < cfg.layers(); l++) {
            String p = layer(l);
            String in = p + "attention.self:input";
            add(new LinearModule(p + "attention.self.query", l, h, h, false, in));
            add(new LinearModule(p + "attention.self.key", l, h, h, false, in));
            add(new LinearModule(p + "attention.self.value", l, h, h, false, in));
            add(new LinearModule(p + "attention.output.dense", l, h, h, false, p + "attention.output.dense"));
            add(new LinearModule(p + "intermediate.dense", l, h, cfg.intermediate(), false, p + "intermediate.dense"));
            add(new LinearModule(p + "output.dense", l, cfg.intermediate(), h, false, p + "output.dense"));
        }
    }


    @Override
    FloatMatrix embed(Pass pass) {
        String e = prefix + "embeddings.";
        FloatMatrix x = embedRows(e + "word_embeddings.weight", pass);
        addRows(x, e + "position_embeddings.weight", pass.positions, pass);
        if (pass.weights.has(e + "token_type_embeddings.weight")) {
            addRows(x, e + "token_type_embeddings.weight", new int[x.rows()], pass);
        }
        return Kernels.layerNorm(x, normWeight(e + "LayerNorm", pass), normBias(e + "LayerNorm", pass), cfg.normEps());
    }

    @Override
    List<String> embeddingTables() {
        String e = prefix + "embeddings.";
        String types = e + "token_type_embeddings.weight";
        return source.find(types).isPresent()
                ? List.of(e + "word_embeddings.weight", e + "position_embeddings.weight", types)
                : List.of(e + "word_embeddings.weight", e + "position_embeddings.weight");
    }

    @Override
    FloatMatrix block(int l, FloatMatrix x, Pass pass) {
        String p = layer(l);
        Weights w = pass.weights;
        LinearModule qm = module(p + "attention.self.query");
        LinearModule km = module(p + "attention.self.key");
        LinearModule vm = module(p + "attention.self.value");
        w.observe(List.of(qm, km, vm), x);
        FloatMatrix ctx = Kernels.attention(w.apply(qm, x), w.apply(km, x), w.apply(vm, x), pass.batch,
                cfg.heads(), cfg.heads(), cfg.headDim(), false, -1);
        FloatMatrix o = w.observeAndApply(module(p + "attention.output.dense"), ctx);
        ctx = null;
        Kernels.addInPlace(o, x);
        String ln1 = p + "attention.output.LayerNorm";
        x = Kernels.layerNorm(o, normWeight(ln1, pass), normBias(ln1, pass), cfg.normEps());
        o = null;
        FloatMatrix f = w.observeAndApply(module(p + "intermediate.dense"), x);
        Kernels.activate(f, cfg.activation());
        FloatMatrix o2 = w.observeAndApply(module(p + "output.dense"), f);
        f = null;
        Kernels.addInPlace(o2, x);
        String ln2 = p + "output.LayerNorm";
        return Kernels.layerNorm(o2, normWeight(ln2, pass), normBias(ln2, pass), cfg.normEps());
    }

    @Override
    FloatMatrix finalNorm(FloatMatrix x, Pass pass) {
        return x;
    }
}
