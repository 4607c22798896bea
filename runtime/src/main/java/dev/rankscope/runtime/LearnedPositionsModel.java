package dev.rankscope.runtime;

import dev.rankscope.engine.tensor.TensorSource;

/**
 * A transformer with learned position embeddings (GPT-2, BERT; SPEC §8): a sequence may be at most
 * {@code max_position_embeddings} ({@code n_positions}) tokens long, and a pass needs no
 * precomputed tables (positions are rows of an embedding, added in {@code embed}).
 */
abstract class LearnedPositionsModel extends Transformer {

    LearnedPositionsModel(RuntimeConfig cfg, TensorSource source, String embeddingSuffix, String layerPath) {
        super(cfg, source, embeddingSuffix, layerPath);
    }

    @Override
    final int maxSequence() {
        return cfg.maxPositions();
    }
}
