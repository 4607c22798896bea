package dev.rankscope.analysis.layout;

import dev.rankscope.engine.config.ModelConfig;
import dev.rankscope.engine.spectrum.MatrixSelection;

import java.util.Optional;

/**
 * How the output rows of a fused QKV projection (out = (H + 2·K)·d rows for H query heads, K
 * key/value heads of dimension d, in (out, in) orientation) are ordered, as the modelling code
 * that reads the fused output splits it (SPEC §7). Followed from Hugging Face transformers:
 * <ul>
 *   <li>{@link #CONTIGUOUS}: [q (H·d) | k (K·d) | v (K·d)]. GPT-2 {@code GPT2Attention}
 *       ({@code c_attn(...).split(split_size)}), Phi-3 {@code Phi3Attention} ({@code qkv[..., :query_pos]},
 *       then K·d, then the rest), Falcon-7B {@code FalconAttention._split_heads} with
 *       {@code multi_query} (view (H + 2, d): the last two heads are k and v), GPT-BigCode
 *       with {@code multi_query} ({@code split((embed_dim, 2·kv_dim))}), Qwen-1 {@code c_attn},
 *       MPT/Phi-1.5 {@code Wqkv}, and every GGUF {@code attn_qkv} (llama.cpp views q, k, v as
 *       consecutive blocks; its Falcon converter reorders the grouped layout into this one).</li>
 *   <li>{@link #PER_HEAD}: for each head h, [q_h | k_h | v_h] (3·d rows); needs K = H. GPT-NeoX
 *       {@code GPTNeoXAttention} (view (H, 3·d), q = first d), BLOOM {@code _split_heads}
 *       (view (H, 3, d)), Falcon without {@code multi_query} and without
 *       {@code new_decoder_architecture} (view (H, 3, d)).</li>
 *   <li>{@link #GROUPED}: for each of the K groups, [q (H/K heads) | k | v], i.e. (H/K + 2)·d
 *       rows. Falcon-40B/180B with {@code new_decoder_architecture} (view (−1, H/K + 2, d),
 *       q = all but the last two, k = [−2], v = [−1]).</li>
 * </ul>
 * Within each part, rows are ordered head-major (head h of the part is rows h·d … h·d + d − 1 of
 * the part), so per-head blocks of a part are consecutive row blocks of it. Stateless.
 */
public enum QkvLayout {
    CONTIGUOUS, PER_HEAD, GROUPED;

    /** The three parts of a fused projection. */
    public enum Part {
        Q("q"), K("k"), V("v");

        private final String suffix;

        Part(String suffix) {
            this.suffix = suffix;
        }

        /** The id suffix without {@code #}: q, k, v. */
        public String suffix() {
            return suffix;
        }
    }

    /**
     * The layout the model's code uses, or empty when it is not known for this model type.
     *
     * @param config model facts (model type, Falcon flags)
     * @param gguf   true for a GGUF file (llama.cpp stores fused QKV contiguously)
     */
    public static Optional<QkvLayout> of(ModelConfig config, boolean gguf) {
        if (gguf) {
            return Optional.of(CONTIGUOUS);
        }
        return switch (config.modelType()) {
            case "gpt2", "phi3", "phi", "phi-msft", "mixformer-sequential", "mpt", "qwen" -> Optional.of(CONTIGUOUS);
            case "gpt_bigcode" -> Optional.of(config.multiQuery() ? CONTIGUOUS : PER_HEAD);
            case "gpt_neox", "bloom" -> Optional.of(PER_HEAD);
            case "falcon", "refinedweb", "refinedwebmodel" -> Optional.of(config.newDecoderArchitecture() ? GROUPED
                    : config.multiQuery() ? CONTIGUOUS : PER_HEAD);
            default -> Optional.empty();
        };
    }

    /** Rows of the fused matrix: (H + 2·K)·d. */
    public static int fusedRows(int heads, int kvHeads, int headDim) {
        return (heads + 2 * kvHeads) * headDim;
    }

    /**
     * The fused-matrix rows that form {@code part}, head-major.
     *
     * @throws IllegalArgumentException when the head counts do not suit this layout (PER_HEAD
     *                                  needs K = H, GROUPED needs K | H)
     */
    public int[] rows(Part part, int heads, int kvHeads, int headDim) {
        if (heads <= 0 || kvHeads <= 0 || headDim <= 0 || heads % kvHeads != 0) {
            throw new IllegalArgumentException("bad head counts " + heads + "/" + kvHeads + "×" + headDim);
        }
        int partHeads = part == Part.Q ? heads : kvHeads;
        int[] rows = new int[partHeads * headDim];
        switch (this) {
            case CONTIGUOUS -> {
                int start = switch (part) {
                    case Q -> 0;
                    case K -> heads * headDim;
                    case V -> (heads + kvHeads) * headDim;
                };
                for (int i = 0; i < rows.length; i++) {
                    rows[i] = start + i;
                }
            }
            case PER_HEAD -> {
                if (kvHeads != heads) {
                    throw new IllegalArgumentException("per-head interleaved QKV needs as many key/value heads as heads");
                }
                int offset = part.ordinal() * headDim;
                for (int h = 0; h < heads; h++) {
                    for (int t = 0; t < headDim; t++) {
                        rows[h * headDim + t] = h * 3 * headDim + offset + t;
                    }
                }
            }
            case GROUPED -> {
                int perGroup = heads / kvHeads;
                int groupRows = (perGroup + 2) * headDim;
                for (int g = 0; g < kvHeads; g++) {
                    if (part == Part.Q) {
                        for (int t = 0; t < perGroup * headDim; t++) {
                            rows[g * perGroup * headDim + t] = g * groupRows + t;
                        }
                    } else {
                        int offset = (perGroup + (part == Part.K ? 0 : 1)) * headDim;
                        for (int t = 0; t < headDim; t++) {
                            rows[g * headDim + t] = g * groupRows + offset + t;
                        }
                    }
                }
            }
            default -> throw new IllegalStateException();
        }
        return rows;
    }

    /** Selection helper: {@code part} of a fused (rows × cols) matrix. */
    public MatrixSelection select(Part part, int fusedRows, int cols, int heads, int kvHeads, int headDim) {
        return new MatrixSelection(fusedRows, cols, rows(part, heads, kvHeads, headDim), null);
    }
}
