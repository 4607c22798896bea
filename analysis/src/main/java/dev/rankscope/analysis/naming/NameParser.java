package dev.rankscope.analysis.naming;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a matrix id (tensor name, or {@code tensor[i]} for an expert slice) into its layer index
 * and {@link ModuleType} (SPEC §7). Pure functions, thread-safe, no state.
 *
 * <p><b>Module name.</b> {@link MatrixName#moduleName()} is the id without a trailing
 * {@code [i]} slice suffix and without a trailing {@code .weight}: the key PEFT's
 * {@code target_modules}/{@code rank_pattern} match ({@code model.layers.3.self_attn.q_proj}).
 *
 * <p><b>Layer.</b> The first purely numeric dot-separated segment of the module name
 * ({@code model.layers.N…}, {@code transformer.h.N…}, {@code encoder.layer.N…},
 * {@code encoder.block.N…}, {@code blk.N…}); -1 when there is none (embeddings, lm_head, GGUF
 * {@code output}). Expert indices come after the layer index and never replace it.
 *
 * <p><b>Encoder–decoder models (T5, BART, Whisper…).</b> {@link #parse(String)} is stateless, so
 * it returns the block index within its own stack: {@code encoder.block.3} and
 * {@code decoder.block.3} both have layer 3 (the module name tells them apart).
 * {@link #parseAll(Collection)} sees every name and numbers layers model-wide instead:
 * encoder blocks keep their index, decoder blocks are shifted by the number of encoder blocks
 * ({@code 1 + max encoder index}), so a 6+6 T5 has layers 0–5 (encoder) and 6–11 (decoder).
 * A name is in the decoder stack when a segment before its layer index is {@code decoder}
 * (or ends in {@code _decoder}), in the encoder stack when it is {@code encoder}; models
 * without an encoder stack are not renumbered.
 *
 * <p><b>Module type.</b> Decided from the last segment, with its enclosing segments as context
 * where names are ambiguous: GPT-2 {@code c_proj} is O inside {@code attn} and DOWN inside
 * {@code mlp}; {@code dense} is O inside an attention block (BERT
 * {@code attention.output.dense}, Falcon/Phi/GPT-NeoX {@code self_attention.dense}), DOWN as
 * BERT's {@code output.dense} and UP as {@code intermediate.dense}; {@code wo} is O in Meta
 * Llama's {@code attention.wo} and DOWN in T5's {@code DenseReluDense.wo}. MoE routers
 * ({@code block_sparse_moe.gate}, Qwen {@code mlp.gate}, GGUF {@code ffn_gate_inp}) are
 * {@link ModuleType#OTHER}. {@code w1}/{@code w2} are gate/down (Mixtral experts, Meta Llama
 * {@code feed_forward}) except directly under a {@code transformer.h.N} block, where they are
 * Qwen-1's up/gate (its down projection is {@code c_proj}). DeepSeek's low-rank
 * {@code q_a_proj}/{@code q_b_proj} count as Q; its fused {@code kv_*} projections are OTHER. Anything unrecognised is OTHER, still with its layer.
 *
 * <p><b>Sub-matrices.</b> An id may end in {@code #part} suffixes naming a sub-matrix of the
 * tensor (SPEC §7): {@code #q}/{@code #k}/{@code #v} for the parts of a fused QKV projection, which
 * are Q/K/V, and {@code #headN} for one attention head, which keeps the type of what it is cut
 * from ({@code q_proj.weight#head3} is Q, {@code c_attn.weight#k#head0} is K). Layer and stack come
 * from the tensor name; the module name is the tensor's with the suffixes appended
 * ({@code transformer.h.0.attn.c_attn#q}), so parts never share a PEFT key with their tensor.
 */
public final class NameParser {

    private static final Pattern SLICE = Pattern.compile("\\[(\\d+)]$");
    private static final Pattern NUMBER = Pattern.compile("\\d+");

    private static final Set<String> Q = Set.of("q_proj", "query", "q", "attn_q", "wq", "q_lin", "to_q",
            "q_a_proj", "q_b_proj");
    private static final Set<String> K = Set.of("k_proj", "key", "k", "attn_k", "wk", "k_lin", "to_k");
    private static final Set<String> V = Set.of("v_proj", "value", "v", "attn_v", "wv", "v_lin", "to_v");
    private static final Set<String> QKV = Set.of("qkv_proj", "c_attn", "query_key_value", "attn_qkv",
            "wqkv", "qkv", "in_proj_weight", "in_proj");
    private static final Set<String> O = Set.of("o_proj", "out_proj", "attn_output", "o", "out_lin", "to_out");
    private static final Set<String> GATE_UP = Set.of("gate_up_proj", "ffn_gate_up", "ffn_gate_up_exps");
    private static final Set<String> GATE = Set.of("gate_proj", "w1", "ffn_gate", "ffn_gate_exps", "wi_0");
    private static final Set<String> UP = Set.of("up_proj", "w3", "ffn_up", "ffn_up_exps", "c_fc", "fc1",
            "dense_h_to_4h", "wi", "wi_1", "lin1", "fc_in");
    private static final Set<String> DOWN = Set.of("down_proj", "w2", "ffn_down", "ffn_down_exps", "fc2",
            "dense_4h_to_h", "lin2", "fc_out");
    private static final Set<String> EMBED = Set.of("embed_tokens", "wte", "wpe", "word_embeddings",
            "position_embeddings", "token_type_embeddings", "token_embd", "shared", "embed_positions",
            "tok_embeddings", "embed_in", "embeddings", "relative_attention_bias");
    private static final Set<String> LM_HEAD = Set.of("lm_head", "embed_out");

    private NameParser() {
    }

    /**
     * Parses one id on its own (layer numbering per stack, see class doc).
     *
     * @param matrixId tensor name, optionally with a {@code [i]} slice suffix
     * @return the parsed name; never null (unknown names give OTHER)
     */
    public static MatrixName parse(String matrixId) {
        int hash = matrixId.indexOf(PART);
        String tensorId = hash < 0 ? matrixId : matrixId.substring(0, hash);
        String moduleName = moduleName(tensorId);
        String[] segments = moduleName.split("\\.");
        ModuleType type = classify(moduleName, segments);
        if (hash < 0) {
            return new MatrixName(matrixId, layerIndex(segments), type, moduleName);
        }
        String suffix = matrixId.substring(hash);
        for (String part : suffix.substring(1).split(PART)) {
            switch (part) {
                case "q" -> type = ModuleType.Q;
                case "k" -> type = ModuleType.K;
                case "v" -> type = ModuleType.V;
                default -> {
                    // #headN and other views keep the type of what they are cut from
                }
            }
        }
        return new MatrixName(matrixId, layerIndex(segments), type, moduleName + suffix);
    }

    /** Separator of sub-matrix suffixes in a matrix id ({@code tensor#q}, {@code tensor#head3}). */
    public static final String PART = "#";

    /** The id without its {@code #part} suffixes (the matrix it is a part of); the id itself when whole. */
    public static String wholeId(String matrixId) {
        int hash = matrixId.indexOf(PART);
        return hash < 0 ? matrixId : matrixId.substring(0, hash);
    }

    /**
     * Parses many ids of one model, numbering layers model-wide: decoder blocks of an
     * encoder–decoder model come after the encoder blocks (see class doc). Order is preserved.
     */
    public static List<MatrixName> parseAll(Collection<String> matrixIds) {
        List<MatrixName> parsed = new ArrayList<>(matrixIds.size());
        int encoderBlocks = 0;
        for (String id : matrixIds) {
            MatrixName n = parse(id);
            parsed.add(n);
            if (n.hasLayer() && stackOf(n.moduleName()) == Stack.ENCODER) {
                encoderBlocks = Math.max(encoderBlocks, n.layer() + 1);
            }
        }
        if (encoderBlocks == 0) {
            return parsed;
        }
        List<MatrixName> renumbered = new ArrayList<>(parsed.size());
        for (MatrixName n : parsed) {
            if (n.hasLayer() && stackOf(n.moduleName()) == Stack.DECODER) {
                renumbered.add(new MatrixName(n.id(), n.layer() + encoderBlocks, n.module(), n.moduleName()));
            } else {
                renumbered.add(n);
            }
        }
        return renumbered;
    }

    /** Which stack of an encoder–decoder model a name belongs to. */
    public enum Stack { ENCODER, DECODER, NONE }

    /**
     * The stack of a module name: the last {@code encoder}/{@code decoder} segment (or one ending
     * in {@code _encoder}/{@code _decoder}) before the layer index; NONE when there is none.
     */
    public static Stack stackOf(String moduleName) {
        Stack stack = Stack.NONE;
        for (String s : moduleName.toLowerCase(Locale.ROOT).split("\\.")) {
            if (NUMBER.matcher(s).matches()) {
                break;
            }
            if (s.equals("encoder") || s.endsWith("_encoder")) {
                stack = Stack.ENCODER;
            } else if (s.equals("decoder") || s.endsWith("_decoder")) {
                stack = Stack.DECODER;
            }
        }
        return stack;
    }

    /** The id without a trailing {@code [i]} slice suffix and trailing {@code .weight}. */
    public static String moduleName(String matrixId) {
        String s = matrixId;
        Matcher m = SLICE.matcher(s);
        if (m.find()) {
            s = s.substring(0, m.start());
        }
        if (s.endsWith(".weight")) {
            s = s.substring(0, s.length() - ".weight".length());
        }
        return s;
    }

    /** The slice index of an id {@code tensor[i]}, or -1 for a whole tensor. */
    public static int sliceIndex(String matrixId) {
        Matcher m = SLICE.matcher(matrixId);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static int layerIndex(String[] segments) {
        for (String s : segments) {
            if (NUMBER.matcher(s).matches() && s.length() <= 9) {
                return Integer.parseInt(s);
            }
        }
        return -1;
    }

    /** The segment just before the layer index ({@code layers}, {@code h}, {@code block}…), or "". */
    private static String container(String[] seg) {
        for (int i = 1; i < seg.length; i++) {
            if (NUMBER.matcher(seg[i]).matches()) {
                return seg[i - 1];
            }
        }
        return "";
    }

    private static ModuleType classify(String moduleName, String[] rawSegments) {
        String[] seg = new String[rawSegments.length];
        for (int i = 0; i < seg.length; i++) {
            seg[i] = rawSegments[i].toLowerCase(Locale.ROOT);
        }
        String last = seg[seg.length - 1];
        String parent = seg.length > 1 ? seg[seg.length - 2] : "";
        boolean inAttention = false;
        boolean inMlp = false;
        boolean inEmbeddings = false;
        boolean inLmHead = false;
        for (int i = 0; i < seg.length - 1; i++) {
            String s = seg[i];
            inAttention |= s.contains("attn") || s.contains("attention") || s.equals("mixer");
            inMlp |= s.contains("mlp") || s.contains("ffn") || s.equals("feed_forward")
                    || s.equals("densereludense") || s.equals("intermediate") || s.equals("experts")
                    || s.contains("moe");
            inEmbeddings |= s.equals("embeddings") || s.equals("embed");
            inLmHead |= LM_HEAD.contains(s);
        }
        if (LM_HEAD.contains(last) || inLmHead || moduleName.equals("output")) {
            return ModuleType.LM_HEAD;
        }
        if (EMBED.contains(last) || inEmbeddings) {
            return ModuleType.EMBED;
        }
        if (QKV.contains(last)) {
            return ModuleType.QKV;
        }
        if (Q.contains(last)) {
            return ModuleType.Q;
        }
        if (K.contains(last)) {
            return ModuleType.K;
        }
        if (V.contains(last)) {
            return ModuleType.V;
        }
        if (O.contains(last)) {
            return ModuleType.O;
        }
        if ((last.equals("w1") || last.equals("w2")) && container(seg).equals("h")) {
            // Qwen-1 (transformer.h.N.mlp.w1/w2/c_proj): out = w1(x) * silu(w2(x)), c_proj is down
            return last.equals("w1") ? ModuleType.UP : ModuleType.GATE;
        }
        if (GATE_UP.contains(last)) {
            return ModuleType.GATE_UP;
        }
        if (GATE.contains(last)) {
            return ModuleType.GATE;
        }
        if (UP.contains(last)) {
            return ModuleType.UP;
        }
        if (DOWN.contains(last)) {
            return ModuleType.DOWN;
        }
        switch (last) {
            case "c_proj" -> {
                // GPT-2: attn.c_proj is the output projection, mlp.c_proj the down projection
                return inAttention ? ModuleType.O : ModuleType.DOWN;
            }
            case "wo" -> {
                // Meta Llama attention.wo vs T5 DenseReluDense.wo
                return inMlp ? ModuleType.DOWN : ModuleType.O;
            }
            case "dense" -> {
                if (inAttention) {
                    return ModuleType.O;          // BERT attention.output.dense, Falcon/Phi self_attention.dense
                }
                if (parent.equals("intermediate")) {
                    return ModuleType.UP;         // BERT intermediate.dense
                }
                if (parent.equals("output")) {
                    return ModuleType.DOWN;       // BERT layer.N.output.dense
                }
                return ModuleType.OTHER;          // pooler.dense, prediction heads
            }
            default -> {
                if (last.startsWith("conv")) {
                    return ModuleType.CONV;
                }
                return ModuleType.OTHER;
            }
        }
    }
}
