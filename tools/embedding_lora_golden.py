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


if __name__ == "__main__":
    main()
