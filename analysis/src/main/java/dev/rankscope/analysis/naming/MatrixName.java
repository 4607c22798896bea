package dev.rankscope.analysis.naming;

/**
 * A matrix's place in the model, parsed from its name (SPEC §7).
 *
 * @param id     matrix id (tensor name, or {@code tensor[i]} for an expert slice)
 * @param layer  transformer block index, or -1 when the matrix sits outside the blocks (embeddings, lm_head)
 * @param module module type
 * @param moduleName module name without the trailing {@code .weight} (PEFT target / rank_pattern key)
 */
public record MatrixName(String id, int layer, ModuleType module, String moduleName) {
    public boolean hasLayer() {
        return layer >= 0;
    }
}
