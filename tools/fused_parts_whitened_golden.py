#!/usr/bin/python3
"""Independent reference for data-aware (SVD-LLM whitened) plans on the parts of GPT-2's fused c_attn.

The parts q|k|v of `h.L.attn.c_attn` multiply the same input (ln_1 of the block), so they share the
module's calibration statistics (SPEC §8): with G = Σ x xᵀ over the calibration tokens and
S = chol(G + δ·mean(diag G)·I) (δ = 1e-6, SPEC §4), each part's allocation spectrum is σ(W_p·S) and
its rank-k weight is (W_p·S)_k·S⁻¹; its activation-space relative error is
sqrt(Σ_{i>k} σ_i² / Σ σ_i²) of σ(W_p·S) (SPEC §8).

This script computes, with numpy (float64) and the torch GPT-2 forward of tools/torch_reference.py
(written from Hugging Face's GPT2LMHeadModel), for the runtime's tiny golden GPT-2 and its text 3:
  - the input Gram of every c_attn over windows of SEQ_LEN tokens (what `rankscope calibrate` writes);
  - σ(W_p·S) for the six parts;
  - the compressed model with q of layer 0 at rank 3, k of layer 0 at rank 5 and v of layer 1 at
    rank 2 (the other parts and matrices dense), the fused weight reassembled from the parts;
  - its perplexity, mean KL(p_orig ‖ p_comp) and top-1 agreement over the same windows (SPEC §8).
Output: application/src/test/resources/model/gpt2-fused-parts-whitened.json
(read by FusedPartsWhitenedEvaluateTest).

Run: /usr/bin/python3 tools/fused_parts_whitened_golden.py
"""
import json
import os
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from torch_reference import gpt2_forward  # noqa: E402
from fused_parts_golden import PART_ROWS, RANKS, SEQ_LEN, evaluate, load, split  # noqa: E402

OUT = os.path.join(HERE, "..", "application", "src", "test", "resources", "model", "gpt2-fused-parts-whitened.json")
DAMPING = 1e-6


def whitening(g):
    """S with S·Sᵀ = G + δ·mean(diag G)·I (lower triangular)."""
    n = g.shape[0]
    return np.linalg.cholesky(g + DAMPING * np.trace(g) / n * np.eye(n))


def main():
    cfg, W, ids = load()
    H = cfg["n_embd"]
    windows = split(ids)

    grams, tokens = {}, {}
    with torch.no_grad():
        for layer in range(cfg["n_layer"]):
            module = f"h.{layer}.attn.c_attn"
            g = np.zeros((H, H))
            count = 0
            for win in windows:
                _, _, x = gpt2_forward(cfg, W, win, observe=module)
                x = x.double().numpy()
                g += x.T @ x
                count += x.shape[0]
            grams[module] = g
            tokens[module] = count

    parts = []
    Wc = dict(W)
    fused = {}
    for layer in range(cfg["n_layer"]):
        module = f"h.{layer}.attn.c_attn"
        tensor = module + ".weight"
        s = whitening(grams[module])
        stored = W[tensor].double().numpy().copy()               # (in, 3H)
        out = stored.copy()
        for part, block in PART_ROWS.items():
            pid = tensor + "#" + part
            cols = slice(block * H, (block + 1) * H)
            w = stored[:, cols].T.copy()                          # (out, in) part
            ws = w @ s
            u, sig, vt = np.linalg.svd(ws, full_matrices=False)
            entry = {"id": pid, "rows": H, "cols": H, "whitened_singular_values": sig.tolist(),
                     "weight_singular_values": np.linalg.svd(w, compute_uv=False).tolist()}
            k = RANKS.get(pid)
            if k is not None:
                approx = np.linalg.solve(s.T, ((u[:, :k] * sig[:k]) @ vt[:k]).T).T    # (W·S)_k·S⁻¹
                tail = float(np.sum(sig[k:] ** 2))
                entry.update({"rank": k, "rel_error": float(np.sqrt(tail / np.sum(sig ** 2))),
                              "measured_rel_error": float(np.linalg.norm((w - approx) @ s) / np.linalg.norm(ws))})
                out[:, cols] = approx.T
            parts.append(entry)
        Wc[tensor] = torch.from_numpy(out.astype(np.float32))
        fused[tensor] = out

    golden = {
        "model": "runtime/src/test/resources/golden/gpt2",
        "text_ids": ids,
        "seq_len": SEQ_LEN,
        "damping": DAMPING,
        "windows": len(windows),
        "calibration_tokens": tokens,
        "input_gram": {m: g.ravel().tolist() for m, g in grams.items()},
        "parts": parts,
        **evaluate(cfg, W, Wc, windows),
        "compressed_c_attn_0": fused["h.0.attn.c_attn.weight"].ravel().tolist(),
    }
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
    print(json.dumps({k: v for k, v in golden.items()
                      if k in ("original_perplexity", "compressed_perplexity", "mean_kl", "top1_agreement", "tokens_scored")}))
    print([(p["id"], p.get("rank"), p.get("rel_error")) for p in parts])


if __name__ == "__main__":
    main()
