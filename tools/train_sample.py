#!/usr/bin/python3
"""Trains the bundled sample `sample-checkpoints/tiny-kjv/`: a small Llama-shaped causal LM on
the King James Version of the Bible (public domain; the text of Debian's `bible-kjv-text`,
read with the `bible` program of Debian's `bible-kjv`).

Offline, CPU, deterministic (fixed seeds, one thread). Writes an HF folder:
  config.json             model_type llama (GQA, untied lm_head), torch_dtype bfloat16
  model.safetensors       BF16 weights, HF Llama tensor names
  tokenizer.json          byte-level BPE in the Hugging Face tokenizers JSON format (built here:
                          the python `tokenizers` package is not needed), BOS via TemplateProcessing
  calibration.txt         the book of Esther (held out of training), one chapter per paragraph
  eval.txt                the books of Ruth and Jonah (held out of training)
  training.json           how it was made and the perplexity this script measured (SPEC §8)

Usage: apt-get install -y python3-torch python3-numpy bible-kjv-text bible-kjv
       /usr/bin/python3 tools/train_sample.py [--out sample-checkpoints/tiny-kjv] [--steps 300]
"""
import argparse
import collections
import hashlib
import json
import math
import os
import re
import struct
import subprocess
import time

import numpy as np
import torch
import torch.nn.functional as F

SEED = 20261203
VOCAB = 2048
SPECIALS = ["<unk>", "<s>", "</s>"]
CALIBRATION_BOOKS = ["Esther"]
EVAL_BOOKS = ["Ruth", "Jonah"]
CONFIG = dict(hidden_size=128, intermediate_size=384, num_hidden_layers=4, num_attention_heads=4,
              num_key_value_heads=2, max_position_embeddings=512, rms_norm_eps=1e-5, rope_theta=10000.0)
SEQ = 96           # training window
EVAL_WINDOW = 128  # the perplexity window reported in training.json (SPEC §8)
BATCH = 16

# GPT-2's pre-tokenisation pattern; the text is ASCII, so [^\W\d_] = \p{L} and \d = \p{N}.
PATTERN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[^\W\d_]+| ?\d+| ?[^\s\w]+|\s+(?!\S)|\s+""")


def bytes_to_unicode():
    """GPT-2's reversible byte → printable character map (the ByteLevel alphabet)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, [chr(c) for c in cs]))


BYTE_MAP = bytes_to_unicode()


def pretokens(text):
    return ["".join(BYTE_MAP[b] for b in t.encode("utf-8")) for t in PATTERN.findall(text)]


# ---- the text ------------------------------------------------------------------------------

def read_bible():
    """{book: [chapter text, …]}, one verse per line, in canonical order."""
    raw = subprocess.run(["bible", "-l0", "gen1:1-rev22:21"], check=True, capture_output=True, text=True).stdout
    books = collections.OrderedDict()
    chapter = None
    head = re.compile(r"^(.+?) (\d+)$")
    for line in raw.splitlines():
        if not line.strip():
            continue
        m = head.match(line)
        if m and not line.startswith(" "):
            chapter = []
            books.setdefault(m.group(1), []).append(chapter)
            continue
        verse = re.sub(r"^\s*\d+\s+", "", line).strip()
        chapter.append(verse)
    return collections.OrderedDict((b, ["\n".join(c) for c in cs]) for b, cs in books.items())


def documents(books, names):
    return [c for n in names for c in books[n]]


# ---- byte-level BPE ------------------------------------------------------------------------

def train_bpe(docs, vocab_size):
    words = collections.Counter()
    for d in docs:
        words.update(pretokens(d))
    vocab = {s: i for i, s in enumerate(SPECIALS)}
    for ch in sorted(BYTE_MAP.values()):
        vocab[ch] = len(vocab)
    seqs = [list(w) for w in words]
    freqs = [words[w] for w in words]
    pairs = collections.Counter()
    where = collections.defaultdict(set)
    for i, s in enumerate(seqs):
        for a, b in zip(s, s[1:]):
            pairs[(a, b)] += freqs[i]
            where[(a, b)].add(i)
    merges = []
    while len(vocab) < vocab_size and pairs:
        best = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        if pairs[best] < 2:
            break
        merged = best[0] + best[1]
        merges.append(best)
        vocab[merged] = len(vocab)
        for i in list(where[best]):
            s = seqs[i]
            f = freqs[i]
            for a, b in zip(s, s[1:]):
                pairs[(a, b)] -= f
                if pairs[(a, b)] <= 0:
                    del pairs[(a, b)]
            out = []
            j = 0
            while j < len(s):
                if j + 1 < len(s) and s[j] == best[0] and s[j + 1] == best[1]:
                    out.append(merged)
                    j += 2
                else:
                    out.append(s[j])
                    j += 1
            seqs[i] = out
            for a, b in zip(out, out[1:]):
                pairs[(a, b)] += f
                where[(a, b)].add(i)
        del where[best]
    return vocab, merges


class Bpe:
    """Encodes exactly as the tokenizers library does for this tokenizer.json (merge priority order)."""

    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.rank = {m: i for i, m in enumerate(merges)}
        self.cache = {}

    def word(self, w):
        if w in self.cache:
            return self.cache[w]
        s = list(w)
        while len(s) > 1:
            ranked = [(self.rank.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(s, s[1:]))]
            r, i = min(ranked)
            if r == 1 << 30:
                break
            s = s[:i] + [s[i] + s[i + 1]] + s[i + 2:]
        ids = [self.vocab[t] for t in s]
        self.cache[w] = ids
        return ids

    def encode(self, text):
        """One tokenizer call: BOS, then the text (the TemplateProcessing post-processor)."""
        ids = [self.vocab["<s>"]]
        for w in pretokens(text):
            ids.extend(self.word(w))
        return ids


def tokenizer_json(vocab, merges):
    added = [dict(id=vocab[s], content=s, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
             for s in SPECIALS]
    bos = vocab["<s>"]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [bos], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
                  "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
                  "vocab": vocab, "merges": [a + " " + b for a, b in merges]},
    }


# ---- the model (HF Llama semantics, SPEC §8) ------------------------------------------------

class Llama(torch.nn.Module):
    def __init__(self, c, vocab):
        super().__init__()
        h, i = c["hidden_size"], c["intermediate_size"]
        self.c = c
        self.heads = c["num_attention_heads"]
        self.kv = c["num_key_value_heads"]
        self.dh = h // self.heads
        self.embed = torch.nn.Embedding(vocab, h)
        lin = lambda o, n: torch.nn.Linear(n, o, bias=False)
        self.layers = torch.nn.ModuleList()
        for _ in range(c["num_hidden_layers"]):
            l = torch.nn.Module()
            l.q, l.k, l.v, l.o = lin(h, h), lin(self.kv * self.dh, h), lin(self.kv * self.dh, h), lin(h, h)
            l.gate, l.up, l.down = lin(i, h), lin(i, h), lin(h, i)
            l.n1, l.n2 = torch.nn.Parameter(torch.ones(h)), torch.nn.Parameter(torch.ones(h))
            self.layers.append(l)
        self.norm = torch.nn.Parameter(torch.ones(h))
        self.lm_head = lin(vocab, h)
        for p in self.parameters():
            if p.dim() == 2:
                torch.nn.init.normal_(p, std=0.02)
        for l in self.layers:
            torch.nn.init.normal_(l.o.weight, std=0.02 / math.sqrt(2 * len(self.layers)))
            torch.nn.init.normal_(l.down.weight, std=0.02 / math.sqrt(2 * len(self.layers)))

    def rms(self, x, w):
        x32 = x.float()
        return (x32 * torch.rsqrt(x32.pow(2).mean(-1, keepdim=True) + self.c["rms_norm_eps"])) * w

    def rope(self, t):
        inv = 1.0 / (self.c["rope_theta"] ** (torch.arange(0, self.dh, 2, dtype=torch.float32) / self.dh))
        f = torch.outer(torch.arange(t, dtype=torch.float32), inv)
        emb = torch.cat([f, f], -1)
        return emb.cos(), emb.sin()

    @staticmethod
    def rotate_half(x):
        a, b = x.chunk(2, -1)
        return torch.cat([-b, a], -1)

    def forward(self, ids):
        b, t = ids.shape
        x = self.embed(ids)
        cos, sin = self.rope(t)
        for l in self.layers:
            y = self.rms(x, l.n1)
            q = l.q(y).view(b, t, self.heads, self.dh).transpose(1, 2)
            k = l.k(y).view(b, t, self.kv, self.dh).transpose(1, 2)
            v = l.v(y).view(b, t, self.kv, self.dh).transpose(1, 2)
            q = q * cos + self.rotate_half(q) * sin
            k = k * cos + self.rotate_half(k) * sin
            rep = self.heads // self.kv
            k = k.repeat_interleave(rep, dim=1)
            v = v.repeat_interleave(rep, dim=1)
            scores = (q @ k.transpose(-1, -2)) / math.sqrt(self.dh)
            mask = torch.ones(t, t, dtype=torch.bool).triu(1)
            a = scores.masked_fill(mask, float("-inf")).softmax(-1) @ v
            x = x + l.o(a.transpose(1, 2).reshape(b, t, -1))
            y = self.rms(x, l.n2)
            x = x + l.down(F.silu(l.gate(y)) * l.up(y))
        return self.lm_head(self.rms(x, self.norm))

    def hf_state(self):
        s = {"model.embed_tokens.weight": self.embed.weight}
        for i, l in enumerate(self.layers):
            p = f"model.layers.{i}."
            s[p + "self_attn.q_proj.weight"] = l.q.weight
            s[p + "self_attn.k_proj.weight"] = l.k.weight
            s[p + "self_attn.v_proj.weight"] = l.v.weight
            s[p + "self_attn.o_proj.weight"] = l.o.weight
            s[p + "mlp.gate_proj.weight"] = l.gate.weight
            s[p + "mlp.up_proj.weight"] = l.up.weight
            s[p + "mlp.down_proj.weight"] = l.down.weight
            s[p + "input_layernorm.weight"] = l.n1
            s[p + "post_attention_layernorm.weight"] = l.n2
        s["model.norm.weight"] = self.norm
        s["lm_head.weight"] = self.lm_head.weight
        return s


def write_safetensors(path, tensors, metadata):
    """BF16 safetensors (SPEC §6), names sorted, written to a temporary file then renamed."""
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        t = tensors[name].detach().to(torch.bfloat16).contiguous()
        raw = t.view(torch.int16).numpy().astype("<i2").tobytes()
        header[name] = {"dtype": "BF16", "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


def perplexity(model, bpe, docs, window):
    """SPEC §8: one tokenizer call per document, concatenated, non-overlapping windows of `window`
    tokens (the last may be shorter, ≥ 2), position 0 of each window is context only."""
    ids = [t for d in docs for t in bpe.encode(d)]
    nll, count = 0.0, 0
    with torch.no_grad():
        for s in range(0, len(ids), window):
            w = ids[s:s + window]
            if len(w) < 2:
                break
            x = torch.tensor([w])
            logits = model(x)[0, :-1].double()
            nll += F.cross_entropy(logits, x[0, 1:], reduction="sum").item()
            count += len(w) - 1
    return math.exp(nll / count), nll / count, count, len(ids)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="sample-checkpoints/tiny-kjv")
    ap.add_argument("--steps", type=int, default=300, help="optimizer steps (the schedule is by step: deterministic)")
    ap.add_argument("--stop-after", type=int, default=0,
                    help="stop after this many steps of the --steps schedule (0 = run it all); deterministic")
    ap.add_argument("--minutes", type=float, default=30.0, help="safety cap on training wall time")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(SEED)
    np.random.seed(SEED)
    os.makedirs(args.out, exist_ok=True)

    books = read_bible()
    held_out = set(CALIBRATION_BOOKS + EVAL_BOOKS)
    train_docs = documents(books, [b for b in books if b not in held_out])
    calib_docs = documents(books, CALIBRATION_BOOKS)
    eval_docs = documents(books, EVAL_BOOKS)

    t0 = time.time()
    vocab, merges = train_bpe(train_docs, VOCAB)
    bpe = Bpe(vocab, merges)
    with open(os.path.join(args.out, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tokenizer_json(vocab, merges), f, ensure_ascii=False, indent=1)
    stream = np.array([t for d in train_docs for t in bpe.encode(d)], dtype=np.int64)
    print(f"tokenizer: {len(vocab)} tokens, {len(merges)} merges; training stream {len(stream)} tokens "
          f"({time.time() - t0:.0f} s)", flush=True)

    model = Llama(CONFIG, len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3, betas=(0.9, 0.95), weight_decay=0.05)
    rng = np.random.default_rng(SEED)
    start = time.time()
    budget = args.minutes * 60
    step = 0
    while step < args.steps:
        if args.stop_after and step >= args.stop_after:
            break
        if time.time() - start > budget:
            print(f"stopped by the {args.minutes} minute cap at step {step}", flush=True)
            break
        frac = step / args.steps
        warm = min(1.0, (step + 1) / 30)
        lr = 3e-3 * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        for g in opt.param_groups:
            g["lr"] = lr
        starts = rng.integers(0, len(stream) - SEQ - 1, size=BATCH)
        x = torch.from_numpy(np.stack([stream[s:s + SEQ + 1] for s in starts]))
        logits = model(x[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), x[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 25 == 0:
            print(f"step {step} loss {loss.item():.3f} lr {lr:.2e} {time.time() - start:.0f} s", flush=True)
    train_seconds = time.time() - start

    # What is shipped is BF16: measure with the rounded weights.
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(torch.bfloat16).float())
    model.eval()
    ppl, nll, scored, n_tokens = perplexity(model, bpe, eval_docs, EVAL_WINDOW)
    cppl, _, cscored, _ = perplexity(model, bpe, calib_docs, EVAL_WINDOW)
    print(f"eval ppl {ppl:.3f} (mean NLL {nll:.4f}, {scored} tokens scored); calibration ppl {cppl:.3f}", flush=True)

    hf = dict(CONFIG)
    hf.update(architectures=["LlamaForCausalLM"], model_type="llama", vocab_size=len(vocab), hidden_act="silu",
              tie_word_embeddings=False, torch_dtype="bfloat16", bos_token_id=vocab["<s>"], eos_token_id=vocab["</s>"],
              attention_bias=False, mlp_bias=False, rope_scaling=None, initializer_range=0.02, use_cache=True,
              head_dim=CONFIG["hidden_size"] // CONFIG["num_attention_heads"])
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(hf, f, indent=2)
    write_safetensors(os.path.join(args.out, "model.safetensors"), model.hf_state(),
                      {"format": "pt", "source": "tools/train_sample.py on the King James Bible (public domain)"})
    for name, docs in (("calibration.txt", calib_docs), ("eval.txt", eval_docs)):
        with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
            f.write("\n\n".join(docs) + "\n")

    def sha(name):
        with open(os.path.join(args.out, name), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    meta = {
        "text_source": "King James Version of the Bible (1611, public domain), Debian packages bible-kjv-text "
                       "(the text) and bible-kjv (the `bible` program that prints it), via `bible -l0 gen1:1-rev22:21`",
        "held_out": {"calibration.txt": CALIBRATION_BOOKS, "eval.txt": EVAL_BOOKS},
        "training": {"books": len(books) - len(held_out), "tokens": int(len(stream)), "steps": step, "schedule_steps": args.steps,
                     "reproduce": f"/usr/bin/python3 tools/train_sample.py --steps {args.steps} --stop-after {step}",
                     "batch": BATCH, "seq_len": SEQ, "seconds": round(train_seconds), "cpu_seconds": round(time.process_time()), "seed": SEED,
                     "optimizer": "AdamW lr 3e-3 cosine to 3e-4, betas (0.9, 0.95), weight decay 0.05",
                     "torch": torch.__version__, "threads": 1},
        "tokenizer": {"type": "byte-level BPE (GPT-2 pre-tokenisation), BOS <s> added per call",
                      "vocab_size": len(vocab), "merges": len(merges)},
        "measured": {"note": "SPEC §8 perplexity with the BF16 weights, this script's PyTorch forward",
                     "window": EVAL_WINDOW, "eval_ppl": round(ppl, 4), "eval_mean_nll": round(nll, 6),
                     "eval_tokens_scored": scored, "eval_tokens": n_tokens, "calibration_ppl": round(cppl, 4),
                     "calibration_tokens_scored": cscored},
        "sha256": {n: sha(n) for n in ("config.json", "model.safetensors", "tokenizer.json", "calibration.txt", "eval.txt")},
    }
    with open(os.path.join(args.out, "training.json"), "w") as f:
        json.dump(meta, f, indent=2)
    print(json.dumps(meta["measured"]), flush=True)


if __name__ == "__main__":
    main()
