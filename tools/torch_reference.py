#!/usr/bin/python3
"""Independent PyTorch reference forward passes for the model runtime's golden tests (SPEC §8).

Writes tiny Hugging Face model folders with random weights (config.json, model.safetensors,
tokenizer.json, and for the encoder modules.json + 1_Pooling/config.json) and golden outputs
(golden.safetensors) under runtime/src/test/resources/golden/<model>/:

  input_ids.<i>          I64  token ids of texts[i] (the Java test re-tokenises and compares)
  logits.<i>             F32  causal LMs: tokens x vocab
  last_hidden_state.<i>  F32  tokens x hidden (after the final norm for decoders)
  pooled                 F32  encoders: sentences x hidden (mean pooling, L2-normalised)
  observed.<module>      F32  input activations of one linear module for text 0 (observer check)
  lowrank.U / lowrank.V  F32  rank-r factors (stored orientation) replacing one module
  lowrank_logits.0 / lowrank_pooled   outputs of the model with that module replaced

The forward passes are written here from the Hugging Face modelling code's equations
(LlamaForCausalLM incl. GQA, rope_theta, rope_scaling linear and llama3; Mistral's sliding window;
Qwen2 biases; GPT2LMHeadModel
with Conv1D (in, out) weights and gelu_new; BertModel with erf GELU and sentence-transformers
pooling), not from Rankscope's Java code. Tokenizers are WordLevel models written as HF
tokenizer.json by hand; ids are computed here by the same rules (lowercase, whitespace split).

Run: apt-get install -y python3-torch python3-numpy; /usr/bin/python3 tools/torch_reference.py
"""
import json
import math
import os
import re
import struct
import sys

import numpy as np
import torch

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "src", "test", "resources", "golden")

WORDS = ("the a of and to in is it that was he for on are as with his they at be this from have or by one had not "
         "but what all were when we there can an your which their said if do will each about how up out them then "
         "she many some so these would other into has more her two like him see time could no make than first been "
         "its who now people my made over did down only way find use may water long little very after words called "
         "just where most know").split()

TEXTS = [
    "The people said that it was time to find the water .",
    "She made a very long way up and down",
    "What could they see from there ? No one would know .",
    " ".join(WORDS[:40]),  # a longer sequence (40 words) for the rope bands
]


# --------------------------------------------------------------------------------- file writers

def write_safetensors(path, tensors, metadata=None):
    """safetensors by hand (SPEC §6): u64 header length, JSON header, little-endian data."""
    header = {}
    blobs = []
    offset = 0
    for name, (dtype, arr) in tensors.items():
        raw = to_bytes(dtype, arr)
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    if metadata:
        header["__metadata__"] = metadata
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def to_bytes(dtype, arr):
    if dtype == "F32":
        return np.ascontiguousarray(arr, dtype="<f4").tobytes()
    if dtype == "F16":
        return np.ascontiguousarray(arr, dtype="<f2").tobytes()
    if dtype == "I64":
        return np.ascontiguousarray(arr, dtype="<i8").tobytes()
    if dtype == "BF16":
        bits = np.ascontiguousarray(arr, dtype="<f4").view("<u4")
        # arr is already exactly bf16-representable (see round_dtype), so truncation is exact
        return (bits >> 16).astype("<u2").tobytes()
    raise ValueError(dtype)


def round_dtype(t, dtype):
    """The float32 values a checkpoint of `dtype` stores (so the reference sees what Java reads)."""
    if dtype == "BF16":
        return t.to(torch.bfloat16).to(torch.float32)
    if dtype == "F16":
        return t.to(torch.float16).to(torch.float32)
    return t


def tokenizer_json(specials, template):
    """A WordLevel tokenizer.json: Lowercase normaliser, Whitespace pre-tokeniser, TemplateProcessing."""
    vocab = {}
    for s in specials:
        vocab[s] = len(vocab)
    for w in WORDS + ["?", "."]:
        if w not in vocab:
            vocab[w] = len(vocab)
    added = [{"id": vocab[s], "content": s, "single_word": False, "lstrip": False, "rstrip": False,
              "normalized": False, "special": True} for s in specials]
    post = None
    if template:
        single = []
        for piece in template:
            if piece == "$A":
                single.append({"Sequence": {"id": "A", "type_id": 0}})
            else:
                single.append({"SpecialToken": {"id": piece, "type_id": 0}})
        pair = single + [{"Sequence": {"id": "B", "type_id": 1}}]
        post = {"type": "TemplateProcessing", "single": single, "pair": pair,
                "special_tokens": {p: {"id": p, "ids": [vocab[p]], "tokens": [p]} for p in template if p != "$A"}}
    tok = {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
           "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"},
           "post_processor": post, "decoder": None,
           "model": {"type": "WordLevel", "vocab": vocab, "unk_token": specials[0]}}
    return tok, vocab


def encode(text, vocab, template, unk):
    words = re.findall(r"\w+|[^\w\s]+", text.lower())
    ids = [vocab.get(w, vocab[unk]) for w in words]
    if not template:
        return ids
    out = []
    for piece in template:
        out.extend(ids if piece == "$A" else [vocab[piece]])
    return out


def write_folder(name, config, weights, tok, extra=None):
    d = os.path.join(OUT, name)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(d, "tokenizer.json"), "w") as f:
        json.dump(tok, f)
    write_safetensors(os.path.join(d, "model.safetensors"), weights)
    for rel, obj in (extra or {}).items():
        p = os.path.join(d, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "w") as f:
            json.dump(obj, f, indent=2)
    return d


def low_rank(w, r):
    """Rank-r truncated SVD of w (stored orientation) as U·V with U = U_r√Σ, V = √Σ V_rᵀ (SPEC §5)."""
    u, s, vt = torch.linalg.svd(w.double(), full_matrices=False)
    sq = torch.sqrt(s[:r])
    return (u[:, :r] * sq).float(), (sq[:, None] * vt[:r]).float()


# --------------------------------------------------------------------------------- Llama / Qwen2

def rope_inv_freq(cfg):
    d = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    theta = cfg.get("rope_theta", 10000.0)
    inv = 1.0 / (theta ** (torch.arange(0, d, 2, dtype=torch.float64) / d))
    sc = cfg.get("rope_scaling")
    if sc:
        t = sc.get("rope_type", sc.get("type"))
        if t == "linear":
            inv = inv / sc["factor"]
        elif t == "llama3":
            factor, lo, hi, old = sc["factor"], sc["low_freq_factor"], sc["high_freq_factor"], \
                sc["original_max_position_embeddings"]
            low_wl, high_wl = old / lo, old / hi
            wl = 2 * math.pi / inv
            scaled = torch.where(wl > low_wl, inv / factor, inv)
            smooth = (old / wl - lo) / (hi - lo)
            smoothed = (1 - smooth) * scaled / factor + smooth * scaled
            medium = ~(wl < high_wl) & ~(wl > low_wl)
            inv = torch.where(medium, smoothed, scaled)
    return inv


def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), dim=-1)


def rms_norm(x, w, eps):
    var = x.pow(2).mean(-1, keepdim=True)
    return w * (x * torch.rsqrt(var + eps))


def llama_forward(cfg, W, ids, replace=None, observe=None):
    """LlamaForCausalLM on one sequence; returns (logits, last_hidden, observed input)."""
    replace = replace or {}
    H = cfg["hidden_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    d = cfg.get("head_dim") or H // nh
    T = len(ids)
    seen = {}

    def lin(name, x):
        if observe == name:
            seen["x"] = x.clone()
        if name in replace:
            u, v = replace[name]
            y = (x @ v.T) @ u.T
        else:
            y = x @ W[name + ".weight"].T
        if name + ".bias" in W:
            y = y + W[name + ".bias"]
        return y

    x = W["model.embed_tokens.weight"][torch.tensor(ids)]
    pos = torch.arange(T, dtype=torch.float64)
    freqs = torch.outer(pos, rope_inv_freq(cfg))
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().float(), emb.sin().float()
    mask = torch.full((T, T), float("-inf")).triu(1)
    if cfg["model_type"] == "mistral" and cfg.get("sliding_window"):
        # key j is visible from query i only when i - j < sliding_window (transformers' sliding mask)
        mask = mask + torch.full((T, T), float("-inf")).tril(-cfg["sliding_window"])
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        a = rms_norm(x, W[p + "input_layernorm.weight"], cfg["rms_norm_eps"])
        q = lin(p + "self_attn.q_proj", a).view(T, nh, d).transpose(0, 1)
        k = lin(p + "self_attn.k_proj", a).view(T, nkv, d).transpose(0, 1)
        v = lin(p + "self_attn.v_proj", a).view(T, nkv, d).transpose(0, 1)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(nh // nkv, dim=0)
        v = v.repeat_interleave(nh // nkv, dim=0)
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d) + mask, dim=-1)
        ctx = (att @ v).transpose(0, 1).reshape(T, nh * d)
        x = x + lin(p + "self_attn.o_proj", ctx)
        m = rms_norm(x, W[p + "post_attention_layernorm.weight"], cfg["rms_norm_eps"])
        g = lin(p + "mlp.gate_proj", m)
        u = lin(p + "mlp.up_proj", m)
        x = x + lin(p + "mlp.down_proj", torch.nn.functional.silu(g) * u)
    h = rms_norm(x, W["model.norm.weight"], cfg["rms_norm_eps"])
    head = W["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings") else W["lm_head.weight"]
    return h @ head.T, h, seen.get("x")


def llama_weights(cfg, gen, dtype, biases=False):
    H, I, V = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    nh, nkv = cfg["num_attention_heads"], cfg["num_key_value_heads"]
    d = cfg.get("head_dim") or H // nh
    W = {}

    def rnd(*shape, scale=0.3):
        return round_dtype(torch.randn(*shape, generator=gen) * scale, dtype)

    W["model.embed_tokens.weight"] = rnd(V, H, scale=1.0)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        W[p + "input_layernorm.weight"] = round_dtype(1 + 0.1 * torch.randn(H, generator=gen), dtype)
        W[p + "self_attn.q_proj.weight"] = rnd(nh * d, H)
        W[p + "self_attn.k_proj.weight"] = rnd(nkv * d, H)
        W[p + "self_attn.v_proj.weight"] = rnd(nkv * d, H)
        if biases:
            W[p + "self_attn.q_proj.bias"] = rnd(nh * d)
            W[p + "self_attn.k_proj.bias"] = rnd(nkv * d)
            W[p + "self_attn.v_proj.bias"] = rnd(nkv * d)
        W[p + "self_attn.o_proj.weight"] = rnd(H, nh * d)
        W[p + "post_attention_layernorm.weight"] = round_dtype(1 + 0.1 * torch.randn(H, generator=gen), dtype)
        W[p + "mlp.gate_proj.weight"] = rnd(I, H)
        W[p + "mlp.up_proj.weight"] = rnd(I, H)
        W[p + "mlp.down_proj.weight"] = rnd(H, I)
    W["model.norm.weight"] = round_dtype(1 + 0.1 * torch.randn(H, generator=gen), dtype)
    if not cfg.get("tie_word_embeddings"):
        W["lm_head.weight"] = rnd(V, H)
    return W


def causal_model(name, cfg, W, dtype, tok, vocab, template, unk, lowrank_module, rank, observe):
    d = write_folder(name, cfg, {k: (dtype, v.numpy()) for k, v in W.items()}, tok)
    golden = {}
    u, v = low_rank(W[lowrank_module + ".weight"], rank)
    for i, text in enumerate(TEXTS):
        ids = encode(text, vocab, template, unk)
        forward = llama_forward if cfg["model_type"] != "gpt2" else gpt2_forward
        with torch.no_grad():
            logits, hidden, seen = forward(cfg, W, ids, observe=observe)
        golden[f"input_ids.{i}"] = ("I64", np.array(ids, dtype=np.int64))
        golden[f"logits.{i}"] = ("F32", logits.numpy())
        golden[f"last_hidden_state.{i}"] = ("F32", hidden.numpy())
        if i == 0:
            golden["observed." + observe] = ("F32", seen.numpy())
            with torch.no_grad():
                lr_logits, _, _ = forward(cfg, W, ids, replace={lowrank_module: (u, v)})
            golden["lowrank.U"] = ("F32", u.numpy())
            golden["lowrank.V"] = ("F32", v.numpy())
            golden["lowrank_logits.0"] = ("F32", lr_logits.numpy())
    write_safetensors(os.path.join(d, "golden.safetensors"), golden,
                      {"texts": json.dumps(TEXTS), "lowrank_module": lowrank_module, "observed_module": observe})


# --------------------------------------------------------------------------------- GPT-2

def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gpt2_forward(cfg, W, ids, replace=None, observe=None):
    """GPT2LMHeadModel on one sequence; Conv1D weights are (in, out): y = x·W + b."""
    replace = replace or {}
    H, nh = cfg["n_embd"], cfg["n_head"]
    d = H // nh
    T = len(ids)
    eps = cfg["layer_norm_epsilon"]
    seen = {}

    def conv1d(name, x):
        if observe == name:
            seen["x"] = x.clone()
        if name in replace:
            u, v = replace[name]
            y = (x @ u) @ v
        else:
            y = x @ W[name + ".weight"]
        return y + W[name + ".bias"]

    x = W["wte.weight"][torch.tensor(ids)] + W["wpe.weight"][:T]
    mask = torch.full((T, T), float("-inf")).triu(1)
    for l in range(cfg["n_layer"]):
        p = f"h.{l}."
        a = layer_norm(x, W[p + "ln_1.weight"], W[p + "ln_1.bias"], eps)
        qkv = conv1d(p + "attn.c_attn", a)
        q, k, v = qkv.split(H, dim=-1)
        q, k, v = (t.view(T, nh, d).transpose(0, 1) for t in (q, k, v))
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d) + mask, dim=-1)
        x = x + conv1d(p + "attn.c_proj", (att @ v).transpose(0, 1).reshape(T, H))
        m = layer_norm(x, W[p + "ln_2.weight"], W[p + "ln_2.bias"], eps)
        x = x + conv1d(p + "mlp.c_proj", gelu_new(conv1d(p + "mlp.c_fc", m)))
    h = layer_norm(x, W["ln_f.weight"], W["ln_f.bias"], eps)
    return h @ W["wte.weight"].T, h, seen.get("x")


def gpt2_weights(cfg, gen):
    H, V, P = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"]
    W = {"wte.weight": torch.randn(V, H, generator=gen), "wpe.weight": 0.3 * torch.randn(P, H, generator=gen)}

    def rnd(*shape, scale=0.3):
        return torch.randn(*shape, generator=gen) * scale

    for l in range(cfg["n_layer"]):
        p = f"h.{l}."
        for ln in ("ln_1", "ln_2"):
            W[p + ln + ".weight"] = 1 + 0.1 * torch.randn(H, generator=gen)
            W[p + ln + ".bias"] = rnd(H, scale=0.1)
        W[p + "attn.c_attn.weight"] = rnd(H, 3 * H)
        W[p + "attn.c_attn.bias"] = rnd(3 * H, scale=0.1)
        W[p + "attn.c_proj.weight"] = rnd(H, H)
        W[p + "attn.c_proj.bias"] = rnd(H, scale=0.1)
        W[p + "mlp.c_fc.weight"] = rnd(H, 4 * H)
        W[p + "mlp.c_fc.bias"] = rnd(4 * H, scale=0.1)
        W[p + "mlp.c_proj.weight"] = rnd(4 * H, H)
        W[p + "mlp.c_proj.bias"] = rnd(H, scale=0.1)
    W["ln_f.weight"] = 1 + 0.1 * torch.randn(H, generator=gen)
    W["ln_f.bias"] = 0.1 * torch.randn(H, generator=gen)
    return W


# --------------------------------------------------------------------------------- BERT

def bert_forward(cfg, W, ids, replace=None, observe=None):
    """BertModel (sentence-transformers layout, no 'bert.' prefix) on one sequence."""
    replace = replace or {}
    H, nh = cfg["hidden_size"], cfg["num_attention_heads"]
    d = H // nh
    T = len(ids)
    eps = cfg["layer_norm_eps"]
    seen = {}

    def lin(name, x):
        if observe == name:
            seen["x"] = x.clone()
        if name in replace:
            u, v = replace[name]
            y = (x @ v.T) @ u.T
        else:
            y = x @ W[name + ".weight"].T
        return y + W[name + ".bias"]

    e = "embeddings."
    x = W[e + "word_embeddings.weight"][torch.tensor(ids)] + W[e + "position_embeddings.weight"][:T] \
        + W[e + "token_type_embeddings.weight"][0]
    x = layer_norm(x, W[e + "LayerNorm.weight"], W[e + "LayerNorm.bias"], eps)
    for l in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{l}."
        q, k, v = (lin(p + "attention.self." + n, x).view(T, nh, d).transpose(0, 1) for n in ("query", "key", "value"))
        att = torch.softmax(q @ k.transpose(1, 2) / math.sqrt(d), dim=-1)
        a = lin(p + "attention.output.dense", (att @ v).transpose(0, 1).reshape(T, H))
        x = layer_norm(a + x, W[p + "attention.output.LayerNorm.weight"], W[p + "attention.output.LayerNorm.bias"], eps)
        f = torch.nn.functional.gelu(lin(p + "intermediate.dense", x))  # erf form
        x = layer_norm(lin(p + "output.dense", f) + x, W[p + "output.LayerNorm.weight"], W[p + "output.LayerNorm.bias"], eps)
    pooled = torch.nn.functional.normalize(x.mean(0), p=2, dim=0)
    return pooled, x, seen.get("x")


def bert_weights(cfg, gen):
    H, I, V, P = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"], cfg["max_position_embeddings"]

    def rnd(*shape, scale=0.3):
        return torch.randn(*shape, generator=gen) * scale

    e = "embeddings."
    W = {e + "word_embeddings.weight": rnd(V, H, scale=1.0), e + "position_embeddings.weight": rnd(P, H),
         e + "token_type_embeddings.weight": rnd(2, H), e + "LayerNorm.weight": 1 + 0.1 * torch.randn(H, generator=gen),
         e + "LayerNorm.bias": rnd(H, scale=0.1)}
    for l in range(cfg["num_hidden_layers"]):
        p = f"encoder.layer.{l}."
        for n in ("attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"):
            W[p + n + ".weight"] = rnd(H, H)
            W[p + n + ".bias"] = rnd(H, scale=0.1)
        W[p + "intermediate.dense.weight"] = rnd(I, H)
        W[p + "intermediate.dense.bias"] = rnd(I, scale=0.1)
        W[p + "output.dense.weight"] = rnd(H, I)
        W[p + "output.dense.bias"] = rnd(H, scale=0.1)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            W[p + ln + ".weight"] = 1 + 0.1 * torch.randn(H, generator=gen)
            W[p + ln + ".bias"] = rnd(H, scale=0.1)
    return W


# --------------------------------------------------------------------------------- main

def main():
    torch.manual_seed(0)
    os.makedirs(OUT, exist_ok=True)
    llama_tok, llama_vocab = tokenizer_json(["<unk>", "<s>", "</s>"], ["<s>", "$A"])
    V = len(llama_vocab)

    # SPEC §8 check: 1 layer, hidden 8, 2 heads, 1 KV head.
    cfg = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": V, "hidden_size": 8,
           "intermediate_size": 16, "num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1,
           "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "hidden_act": "silu",
           "tie_word_embeddings": False, "torch_dtype": "float32"}
    W = llama_weights(cfg, torch.Generator().manual_seed(1), "F32")
    causal_model("llama-spec", cfg, W, "F32", llama_tok, llama_vocab, ["<s>", "$A"], "<unk>",
                 "model.layers.0.self_attn.q_proj", 2, "model.layers.0.mlp.down_proj")

    # GQA (4 heads, 2 KV), llama3 rope scaling with all three frequency bands, BF16 weights.
    cfg = {"model_type": "llama", "architectures": ["LlamaForCausalLM"], "vocab_size": V, "hidden_size": 32,
           "intermediate_size": 48, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
           "max_position_embeddings": 256, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu",
           "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                            "original_max_position_embeddings": 64},
           "tie_word_embeddings": False, "torch_dtype": "bfloat16"}
    W = llama_weights(cfg, torch.Generator().manual_seed(2), "BF16")
    causal_model("llama-gqa-llama3", cfg, W, "BF16", llama_tok, llama_vocab, ["<s>", "$A"], "<unk>",
                 "model.layers.1.mlp.up_proj", 4, "model.layers.1.self_attn.o_proj")

    # Qwen2: q/k/v biases, tied embeddings (no lm_head tensor), linear rope scaling, F16 weights.
    cfg = {"model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"], "vocab_size": V, "hidden_size": 32,
           "intermediate_size": 40, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 1,
           "max_position_embeddings": 256, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0, "hidden_act": "silu",
           "rope_scaling": {"type": "linear", "factor": 2.0}, "use_sliding_window": False,
           "tie_word_embeddings": True, "torch_dtype": "float16"}
    W = llama_weights(cfg, torch.Generator().manual_seed(3), "F16", biases=True)
    causal_model("qwen2-tied", cfg, W, "F16", llama_tok, llama_vocab, ["<s>", "$A"], "<unk>",
                 "model.layers.0.self_attn.k_proj", 3, "model.layers.0.self_attn.q_proj")

    # Mistral: sliding window 8, shorter than the longest text (42 tokens).
    cfg = {"model_type": "mistral", "architectures": ["MistralForCausalLM"], "vocab_size": V, "hidden_size": 16,
           "intermediate_size": 24, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
           "max_position_embeddings": 256, "rms_norm_eps": 1e-5, "rope_theta": 10000.0, "hidden_act": "silu",
           "sliding_window": 8, "tie_word_embeddings": False, "torch_dtype": "float32"}
    W = llama_weights(cfg, torch.Generator().manual_seed(6), "F32")
    causal_model("mistral-window", cfg, W, "F32", llama_tok, llama_vocab, ["<s>", "$A"], "<unk>",
                 "model.layers.0.mlp.gate_proj", 3, "model.layers.1.mlp.gate_proj")

    # GPT-2: no special tokens.
    gpt_tok, gpt_vocab = tokenizer_json(["<|endoftext|>"], None)
    cfg = {"model_type": "gpt2", "architectures": ["GPT2LMHeadModel"], "vocab_size": len(gpt_vocab), "n_embd": 32,
           "n_layer": 2, "n_head": 4, "n_positions": 64, "n_inner": None, "layer_norm_epsilon": 1e-5,
           "activation_function": "gelu_new", "torch_dtype": "float32"}
    W = gpt2_weights(cfg, torch.Generator().manual_seed(4))
    causal_model("gpt2", cfg, W, "F32", gpt_tok, gpt_vocab, None, "<|endoftext|>",
                 "h.0.attn.c_attn", 5, "h.1.mlp.c_proj")

    # BERT encoder, sentence-transformers folder: mean pooling + Normalize.
    bert_tok, bert_vocab = tokenizer_json(["[UNK]", "[CLS]", "[SEP]", "[PAD]"], ["[CLS]", "$A", "[SEP]"])
    cfg = {"model_type": "bert", "architectures": ["BertModel"], "vocab_size": len(bert_vocab), "hidden_size": 32,
           "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "max_position_embeddings": 64,
           "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu", "torch_dtype": "float32"}
    W = bert_weights(cfg, torch.Generator().manual_seed(5))
    extra = {"modules.json": [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
                              {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
                              {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}],
             "1_Pooling/config.json": {"word_embedding_dimension": 32, "pooling_mode_cls_token": False,
                                       "pooling_mode_mean_tokens": True, "pooling_mode_max_tokens": False}}
    d = write_folder("bert", cfg, {k: ("F32", v.numpy()) for k, v in W.items()}, bert_tok, extra)
    golden = {}
    lowrank_module, observe = "encoder.layer.0.intermediate.dense", "encoder.layer.1.attention.self.query"
    u, v = low_rank(W[lowrank_module + ".weight"], 4)
    pooled, lr_pooled = [], []
    with torch.no_grad():
        for i, text in enumerate(TEXTS):
            ids = encode(text, bert_vocab, ["[CLS]", "$A", "[SEP]"], "[UNK]")
            p, hidden, seen = bert_forward(cfg, W, ids, observe=observe)
            golden[f"input_ids.{i}"] = ("I64", np.array(ids, dtype=np.int64))
            golden[f"last_hidden_state.{i}"] = ("F32", hidden.numpy())
            pooled.append(p.numpy())
            lr_pooled.append(bert_forward(cfg, W, ids, replace={lowrank_module: (u, v)})[0].numpy())
            if i == 0:
                golden["observed." + observe] = ("F32", seen.numpy())
    golden["pooled"] = ("F32", np.stack(pooled))
    golden["lowrank.U"] = ("F32", u.numpy())
    golden["lowrank.V"] = ("F32", v.numpy())
    golden["lowrank_pooled"] = ("F32", np.stack(lr_pooled))
    write_safetensors(os.path.join(d, "golden.safetensors"), golden,
                      {"texts": json.dumps(TEXTS), "lowrank_module": lowrank_module, "observed_module": observe})
    print("golden folders written to", os.path.normpath(OUT), file=sys.stderr)


if __name__ == "__main__":
    main()
