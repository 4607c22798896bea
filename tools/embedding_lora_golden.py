#!/usr/bin/python3
"""Golden for the PEFT embedding LoRA that `rankscope compensate` writes (issue 16; SPEC section 9),
computed independently with numpy and checked against PyTorch's F.embedding.

Run with Debian's numpy and torch:  /usr/bin/python3 tools/embedding_lora_golden.py
Writes application/src/test/resources/compensate/embedding_lora/ (small, committed). CI needs no Python.

PEFT's LoRA on an nn.Embedding (peft/tuners/lora/layer.py, class Embedding), as read in its source:
  lora_embedding_A has shape (r, num_embeddings), lora_embedding_B has shape (embedding_dim, r);
  merged update  get_delta_weight = transpose(B @ A) * scaling   (num_embeddings x embedding_dim, W's layout);
  forward        F.embedding(x, A.T) @ B.T * scaling, added to the base lookup;
  saved keys     base_model.model.<module>.lora_embedding_A / .lora_embedding_B (no ".weight").
For a linear module (nn.Linear, W is out x in): lora_A.weight (r, in), lora_B.weight (out, r), update B @ A * scaling.

The quantized side is given as a file (int4 symmetric round-to-nearest per row, dequantized to float32).
The compensation of E = W - W_hat at rank k is its truncated SVD U_k S_k V_k^T (unique when s_k > s_{k+1});
an embedding has no input activations, so EoRA compensates it the same way. The adapter's scaling is 1
(alpha_pattern = rank_pattern), so W_hat + delta must leave ||E - delta||_F = sqrt(sum_{i>k} s_i^2).

Files: base.safetensors and quantized.safetensors (model.embed_tokens.weight 40x8,
model.layers.0.self_attn.q_proj.weight 8x8, F32), stats.safetensors (q_proj input_gram, for the EoRA
run), golden.safetensors (F64: <module>.delta = the update in W's layout at rank 3, <module>.residual).

Second golden, the evaluation of the quantized model as it is (issue 16 item 5, embeddings included):
application/src/test/resources/compensate/embedding_eval/ holds model/, a 1-layer BERT sentence encoder (hidden
16, a sentence-transformers folder made by tools/torch_reference.py's writers), quantized.safetensors with every
2-D weight -- the three embedding tables and the six linear modules -- int4 per row, eval.txt (its texts),
and golden.safetensors (F32 sentences x hidden, from torch_reference.bert_forward, PyTorch float32):
  pooled.original             the float model
  pooled.quantized            every table and linear module replaced by its dequantized weight
  pooled.compensated          ... plus the rank-2 compensation of each: U_k S_k V_k^T of E from numpy's SVD, the
                              update a PEFT adapter with scaling 1 holds (B.A for a linear module, (B.A)^T for an
                              embedding LoRA), merged into the quantized weight
  pooled.linear_only          linear modules quantized, embedding tables left float (what a forward pass that
                              replaced linear modules only would give; the Java test checks it is far off)
  pooled.compensated_rank1    the adapter cut to its first component (the rank-1 point of the quality-vs-rank curve)
  cosine.quantized / .compensated / .compensated_rank1  F64 cos(original, arm) per sentence.
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quant_goldens import write_safetensors  # noqa: E402

RANK = 3
EMBED = "model.embed_tokens"
LINEAR = "model.layers.0.self_attn.q_proj"


def int4_per_row(w):
    scale = np.abs(w).max(axis=1, keepdims=True).astype(np.float64) / 7
    q = np.clip(np.rint(w / np.where(scale == 0, 1, scale)), -7, 7)
    return (q * scale).astype(np.float32)


def truncated(e, k):
    u, s, vt = np.linalg.svd(e, full_matrices=False)
    return u[:, :k], s, vt[:k, :]


def embedding_golden(w, w_hat):
    e = w.astype(np.float64) - w_hat.astype(np.float64)
    u, s, vt = truncated(e, RANK)
    root = np.sqrt(s[:RANK])
    lora_a = (u * root).T                  # (r, num_embeddings)
    lora_b = vt.T * root                   # (embedding_dim, r)
    delta = (lora_b @ lora_a).T * 1.0      # PEFT Embedding.get_delta_weight with scaling 1
    assert np.allclose(delta, u @ np.diag(s[:RANK]) @ vt, atol=1e-14)
    # PEFT's unmerged forward on a few token ids equals the lookup in the merged table
    ids = torch.tensor([[0, 5, 39, 5], [12, 7, 1, 30]])
    unmerged = F.embedding(ids, torch.from_numpy(w_hat.astype(np.float64))) \
        + F.embedding(ids, torch.from_numpy(lora_a.T.copy())) @ torch.from_numpy(lora_b.T.copy()) * 1.0
    merged = F.embedding(ids, torch.from_numpy(w_hat.astype(np.float64) + delta))
    assert torch.allclose(unmerged, merged, atol=1e-14), "PEFT forward and merged update disagree"
    residual = np.linalg.norm(e - delta)
    assert abs(residual - np.sqrt((s[RANK:] ** 2).sum())) < 1e-12
    return delta, residual


def linear_golden(w, w_hat):
    e = w.astype(np.float64) - w_hat.astype(np.float64)
    u, s, vt = truncated(e, RANK)
    delta = (u * s[:RANK]) @ vt            # lora_B.weight @ lora_A.weight * 1
    return delta, np.linalg.norm(e - delta)


EVAL_RANK = 2


def evaluation_golden(root):
    """The 1-layer BERT of the second golden, its int4 form, and the pooled outputs of each arm."""
    import torch_reference as tr
    tok, vocab = tr.tokenizer_json(["[UNK]", "[CLS]", "[SEP]", "[PAD]"], ["[CLS]", "$A", "[SEP]"])
    cfg = {"model_type": "bert", "architectures": ["BertModel"], "vocab_size": len(vocab), "hidden_size": 16,
           "intermediate_size": 32, "num_hidden_layers": 1, "num_attention_heads": 2, "max_position_embeddings": 64,
           "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu", "torch_dtype": "float32"}
    W = tr.bert_weights(cfg, torch.Generator().manual_seed(11))
    extra = {"modules.json": [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                              {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                              {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
             "1_Pooling/config.json": {"word_embedding_dimension": 16, "pooling_mode_cls_token": False,
                                       "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False}}
    tr.OUT = root
    model = tr.write_folder(os.path.join("embedding_eval", "model"), cfg, {k: ("F32", v.numpy()) for k, v in W.items()},
                            tok, extra)
    d = os.path.dirname(model)
    with open(os.path.join(d, "eval.txt"), "w") as f:
        f.write("\n".join(tr.TEXTS) + "\n")

    w_hat, deltas, rank1 = {}, {}, {}
    for name, w in W.items():
        if w.dim() != 2:
            continue
        w32 = w.numpy().astype(np.float32)
        w_hat[name] = int4_per_row(w32)
        e = w32.astype(np.float64) - w_hat[name].astype(np.float64)
        u, s, vt = truncated(e, EVAL_RANK)
        deltas[name] = (u * s[:EVAL_RANK]) @ vt     # B.A (linear) = (B.A)^T (embedding LoRA) = U_k S_k V_k^T
        rank1[name] = (u[:, :1] * s[:1]) @ vt[:1]   # the same adapter cut to its first component
    write_safetensors(os.path.join(d, "quantized.safetensors"), w_hat, {"generator": "tools/embedding_lora_golden.py"})

    def arm(replace):
        return {k: torch.from_numpy(replace[k]) if k in replace else v for k, v in W.items()}

    tables = [k for k in w_hat if k.startswith("embeddings.")]
    assert len(tables) == 3, tables
    arms = {
        "original": W,
        "quantized": arm(w_hat),
        "compensated": arm({k: (w_hat[k].astype(np.float64) + deltas[k]).astype(np.float32) for k in w_hat}),
        "linear_only": arm({k: v for k, v in w_hat.items() if k not in tables}),
        "compensated_rank1": arm({k: (w_hat[k].astype(np.float64) + rank1[k]).astype(np.float32) for k in w_hat}),
    }
    pooled = {}
    with torch.no_grad():
        for a, weights in arms.items():
            rows = [tr.bert_forward(cfg, weights, tr.encode(t, vocab, ["[CLS]", "$A", "[SEP]"], "[UNK]"))[0].numpy()
                    for t in tr.TEXTS]
            pooled[a] = np.stack(rows).astype(np.float32)
    golden = {"pooled." + a: v for a, v in pooled.items()}
    for a in ("quantized", "compensated", "compensated_rank1"):
        x, y = pooled["original"].astype(np.float64), pooled[a].astype(np.float64)
        golden["cosine." + a] = (x * y).sum(1) / np.sqrt((x * x).sum(1) * (y * y).sum(1))
    write_safetensors(os.path.join(d, "golden.safetensors"), golden,
                      {"generator": "tools/embedding_lora_golden.py", "rank": str(EVAL_RANK)})
    gap = np.abs(pooled["quantized"] - pooled["linear_only"]).max()
    print("evaluation golden: cos quantized mean %.6f, compensated mean %.6f; |quantized - linear_only| max %.3g; %s"
          % (golden["cosine.quantized"].mean(), golden["cosine.compensated"].mean(), gap, os.path.normpath(d)))


def main():
    rng = np.random.default_rng(20261203)
    embed = (rng.standard_normal((40, 8)) * 0.05).astype(np.float32)
    embed[3] *= np.float32(4)              # a few rows of larger scale, as frequent tokens have
    embed[17] *= np.float32(3)
    q_proj = (rng.standard_normal((8, 8)) * 0.08).astype(np.float32)
    embed_hat, q_hat = int4_per_row(embed), int4_per_row(q_proj)
    x = rng.standard_normal((64, 8)) * np.linspace(0.2, 2.0, 8)
    gram = x.T @ x

    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "application", "src", "test",
                       "resources", "compensate", "embedding_lora")
    os.makedirs(out, exist_ok=True)
    meta = {"generator": "tools/embedding_lora_golden.py"}
    write_safetensors(os.path.join(out, "base.safetensors"),
                      {EMBED + ".weight": embed, LINEAR + ".weight": q_proj}, meta)
    write_safetensors(os.path.join(out, "quantized.safetensors"),
                      {EMBED + ".weight": embed_hat, LINEAR + ".weight": q_hat}, meta)
    write_safetensors(os.path.join(out, "stats.safetensors"), {LINEAR + ".input_gram": gram}, meta)
    e_delta, e_res = embedding_golden(embed, embed_hat)
    l_delta, l_res = linear_golden(q_proj, q_hat)
    write_safetensors(os.path.join(out, "golden.safetensors"), {
        EMBED + ".delta": e_delta, EMBED + ".residual": np.array([e_res]),
        LINEAR + ".delta": l_delta, LINEAR + ".residual": np.array([l_res])}, {**meta, "rank": str(RANK)})
    print("embedding residual %.9g, q_proj residual %.9g, written to %s" % (e_res, l_res, os.path.normpath(out)))
    evaluation_golden(os.path.dirname(out))


if __name__ == "__main__":
    main()
