#!/usr/bin/python3
"""Independent reference for evaluating a GPT-2 plan that compresses parts of the fused c_attn.

GPT-2 stores attn.c_attn as one Conv1D weight (in, 3·H): its (out, in) view has the q rows
[0, H), the k rows [H, 2H) and the v rows [2H, 3H) (SPEC §7). A plan may factorise a part
(`h.0.attn.c_attn.weight#q`) on its own. This script builds the compressed model the way the
issue defines it: each planned part is replaced by its rank-k truncated SVD (numpy, float64),
written back into the fused weight, then the model runs with torch (tools/torch_reference.py's
GPT-2 forward, written from Hugging Face's GPT2LMHeadModel). It scores the text as
`rankscope evaluate` does (SPEC §8): non-overlapping windows of SEQ_LEN tokens, row t of a window
predicts token t+1; perplexity, mean KL(p_orig ‖ p_comp) and top-1 agreement over the predicted
positions.

Inputs: the tiny GPT-2 of the runtime's golden tests (runtime/src/test/resources/golden/gpt2,
written by tools/torch_reference.py) and its text 3 (input_ids.3 of its golden file).
Output: application/src/test/resources/model/gpt2-fused-parts.json (read by FusedPartsEvaluateTest).

Run: /usr/bin/python3 tools/fused_parts_golden.py
"""
import json
import os
import struct
import sys

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from torch_reference import gpt2_forward  # noqa: E402

MODEL = os.path.join(HERE, "..", "runtime", "src", "test", "resources", "golden", "gpt2")
OUT = os.path.join(HERE, "..", "application", "src", "test", "resources", "model", "gpt2-fused-parts.json")
SEQ_LEN = 20
# part id -> rank: two parts of layer 0 at different ranks, one of layer 1; the rest stays dense
RANKS = {"h.0.attn.c_attn.weight#q": 3, "h.0.attn.c_attn.weight#k": 5, "h.1.attn.c_attn.weight#v": 2}
PART_ROWS = {"q": 0, "k": 1, "v": 2}


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        a, b = e["data_offsets"]
        dt = {"F32": np.float32, "I64": np.int64}[e["dtype"]]
        out[name] = np.frombuffer(data[a:b], dtype=dt).reshape(e["shape"])
    return out


def truncate(w, k):
    u, s, vt = np.linalg.svd(w, full_matrices=False)
    return (u[:, :k] * s[:k]) @ vt[:k]


def scores(logits_o, logits_c, ids):
    """Sums over the predicted rows of one window: NLL of the original and compressed, KL, top-1."""
    lo = torch.log_softmax(logits_o.double(), dim=-1)
    lc = torch.log_softmax(logits_c.double(), dim=-1)
    target = torch.tensor(ids[1:])
    rows = torch.arange(len(ids) - 1)
    nll_o = -lo[rows, target].sum().item()
    nll_c = -lc[rows, target].sum().item()
    kl = (lo[:-1].exp() * (lo[:-1] - lc[:-1])).sum(dim=-1).sum().item()
    agree = (lo[:-1].argmax(dim=-1) == lc[:-1].argmax(dim=-1)).sum().item()
    return nll_o, nll_c, kl, agree, len(ids) - 1


def split(ids):
    """Non-overlapping windows of SEQ_LEN tokens (the last may be shorter, at least 2), SPEC §8."""
    windows = [ids[i:i + SEQ_LEN] for i in range(0, len(ids), SEQ_LEN)]
    return [w for w in windows if len(w) >= 2]


def evaluate(cfg, W, Wc, windows):
    """Perplexity of the original and compressed weights, mean KL and top-1 agreement over the windows."""
    totals = [0.0, 0.0, 0.0, 0, 0]
    with torch.no_grad():
        for win in windows:
            lo, _, _ = gpt2_forward(cfg, W, win)
            lc, _, _ = gpt2_forward(cfg, Wc, win)
            for j, v in enumerate(scores(lo, lc, win)):
                totals[j] += v
    nll_o, nll_c, kl, agree, n = totals
    return {"tokens_scored": n, "original_perplexity": float(np.exp(nll_o / n)),
            "compressed_perplexity": float(np.exp(nll_c / n)), "mean_kl": kl / n, "top1_agreement": agree / n}


def load():
    """The golden GPT-2's config, its weights (float32 torch tensors) and the ids of text 3."""
    cfg = json.load(open(os.path.join(MODEL, "config.json")))
    weights = read_safetensors(os.path.join(MODEL, "model.safetensors"))
    ids = [int(i) for i in read_safetensors(os.path.join(MODEL, "golden.safetensors"))["input_ids.3"]]
    return cfg, {k: torch.from_numpy(v.astype(np.float32)) for k, v in weights.items()}, ids


def main():
    cfg, W, ids = load()
    H = cfg["n_embd"]
    Wc = dict(W)
    parts = []
    for pid, k in RANKS.items():
        tensor, part = pid.split("#")
        fused = Wc[tensor[:-len(".weight")] + ".weight"].double().numpy().copy()   # (in, 3H)
        cols = slice(PART_ROWS[part] * H, (PART_ROWS[part] + 1) * H)
        w = fused[:, cols].T.copy()                                                # (out, in) part (a copy: fused changes below)
        approx = truncate(w, k)
        rel = float(np.linalg.norm(w - approx) / np.linalg.norm(w))
        fused[:, cols] = approx.T
        Wc[tensor] = torch.from_numpy(fused.astype(np.float32))
        parts.append({"id": pid, "rank": k, "rows": H, "cols": H, "rel_error": rel,
                      "singular_values": [float(x) for x in np.linalg.svd(w, compute_uv=False)]})
    windows = split(ids)
    golden = {
        "model": "runtime/src/test/resources/golden/gpt2",
        "text_ids": ids,
        "seq_len": SEQ_LEN,
        "windows": len(windows),
        "parts": parts,
        **evaluate(cfg, W, Wc, windows),
        "compressed_c_attn_0": Wc["h.0.attn.c_attn.weight"].numpy().ravel().tolist(),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(golden, f, indent=1)
    print(json.dumps({k: v for k, v in golden.items() if k not in ("text_ids", "compressed_c_attn_0", "parts")}))
    print([(p["id"], p["rank"], round(p["rel_error"], 6)) for p in parts])


if __name__ == "__main__":
    main()
