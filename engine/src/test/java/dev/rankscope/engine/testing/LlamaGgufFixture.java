package dev.rankscope.engine.testing;

import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.tensor.DType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Writes Hugging Face Llama weights as llama.cpp's {@code convert_hf_to_gguf.py} lays them out
 * (test code): llama.cpp tensor names, {@code general.architecture} and head counts in the
 * metadata, and the rows of q_proj/k_proj reordered for llama.cpp's RoPE. The reorder is written
 * here from the script's description — view the rows of each head as (2, d/2), swap the two axes,
 * flatten — i.e. GGUF row {@code h·d + 2i + j} takes HF row {@code h·d + j·d/2 + i}; q uses
 * {@code heads}, k {@code kvHeads}. 1×n matrices whose name contains {@code norm} are written 1-D.
 */
public final class LlamaGgufFixture {
    private LlamaGgufFixture() {
    }

    /**
     * One HF Llama block (tests): hidden 32, q 32×32 (4 heads of 8), k and v 16×32 (2 KV heads),
     * intermediate 64, embedding and lm_head of 10 tokens, 1-D norms; standard normal float32 values.
     */
    public static Map<String, Matrix> oneBlock(long seed) {
        Random r = new Random(seed);
        Map<String, Matrix> w = new LinkedHashMap<>();
        w.put("model.embed_tokens.weight", random(r, 10, 32));
        w.put("model.layers.0.input_layernorm.weight", random(r, 1, 32));
        w.put("model.layers.0.self_attn.q_proj.weight", random(r, 32, 32));
        w.put("model.layers.0.self_attn.k_proj.weight", random(r, 16, 32));
        w.put("model.layers.0.self_attn.v_proj.weight", random(r, 16, 32));
        w.put("model.layers.0.self_attn.o_proj.weight", random(r, 32, 32));
        w.put("model.layers.0.post_attention_layernorm.weight", random(r, 1, 32));
        w.put("model.layers.0.mlp.gate_proj.weight", random(r, 64, 32));
        w.put("model.layers.0.mlp.up_proj.weight", random(r, 64, 32));
        w.put("model.layers.0.mlp.down_proj.weight", random(r, 32, 64));
        w.put("model.norm.weight", random(r, 1, 32));
        w.put("lm_head.weight", random(r, 10, 32));
        return w;
    }

    private static Matrix random(Random r, int m, int n) {
        double[] d = new double[m * n];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return new Matrix(m, n, d);
    }

    /**
     * @param hf      HF name → weight (out, in), float values
     * @param type    F32 (exact) or Q8_0 (rows of whole 32-blocks)
     * @param arch    {@code general.architecture}
     */
    public static Path write(Path file, Map<String, Matrix> hf, String arch, int heads, int kvHeads, DType type)
            throws IOException {
        GgufTestWriter w = new GgufTestWriter(3, 32).kvString("general.architecture", arch)
                .kvU32(arch + ".attention.head_count", heads).kvU32(arch + ".attention.head_count_kv", kvHeads);
        for (Map.Entry<String, Matrix> e : hf.entrySet()) {
            Matrix m = e.getValue();
            boolean q = e.getKey().endsWith("q_proj.weight");
            boolean k = e.getKey().endsWith("k_proj.weight");
            Matrix laid = "llama".equals(arch) && (q || k) ? permute(m, q ? heads : kvHeads) : m;
            float[] v = new float[laid.data().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) laid.data()[i];
            }
            boolean norm = m.rows() == 1 && e.getKey().contains("norm");
            long[] shape = norm ? new long[] {m.cols()} : new long[] {m.rows(), m.cols()};
            DType t = norm ? DType.F32 : type;
            byte[] data = t == DType.Q8_0 ? GgmlTestQuantizer.quantizeQ8_0(v) : TestEncoding.encode(DType.F32, toDouble(v));
            w.tensor(ggufName(e.getKey()), shape, t, data);
        }
        return w.write(file);
    }

    /** convert_hf_to_gguf.py's Q/K row order, as described in the class comment. */
    public static Matrix permute(Matrix m, int heads) {
        int d = m.rows() / heads;
        int n = m.cols();
        double[] out = new double[m.data().length];
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < d / 2; i++) {
                for (int j = 0; j < 2; j++) {
                    System.arraycopy(m.data(), (h * d + j * (d / 2) + i) * n, out, (h * d + 2 * i + j) * n, n);
                }
            }
        }
        return new Matrix(m.rows(), n, out);
    }

    /** The llama.cpp name of an HF Llama tensor name (the part of the map these tests use). */
    public static String ggufName(String hf) {
        String s = hf.replace("model.embed_tokens.", "token_embd.").replace("model.norm.", "output_norm.")
                .replace("lm_head.", "output.").replace("model.layers.", "blk.")
                .replace(".self_attn.q_proj.", ".attn_q.").replace(".self_attn.k_proj.", ".attn_k.")
                .replace(".self_attn.v_proj.", ".attn_v.").replace(".self_attn.o_proj.", ".attn_output.")
                .replace(".mlp.gate_proj.", ".ffn_gate.").replace(".mlp.up_proj.", ".ffn_up.")
                .replace(".mlp.down_proj.", ".ffn_down.").replace(".input_layernorm.", ".attn_norm.")
                .replace(".post_attention_layernorm.", ".ffn_norm.");
        return s;
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }
}
