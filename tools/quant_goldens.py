#!/usr/bin/python3
"""Goldens for Rankscope's quantizers and EoRA projection (SPEC section 9), computed independently
with numpy so the Java implementation (analysis/quant) can be checked against them.

Run with Debian's numpy:  /usr/bin/python3 tools/quant_goldens.py
Writes analysis/src/test/resources/quant/quant_goldens.safetensors (small, committed). CI needs no Python.

Conventions (SPEC section 9):
  RTN symmetric:  q = clip(rint(w / scale)), scale = max|w| / (2^(b-1) - 1); rint = round half to even.
  RTN asymmetric: scale = (max - min)/(2^b - 1), zero = rint(-min/scale), q = clip(rint(w/scale) + zero, 0, 2^b - 1).
  Groups: g consecutive inputs of one output row (the last group of a row may be shorter); per channel = whole row.
  The quotient w/scale is evaluated without rounding the scale (w * qmax / absmax); the stored scale is
  float32 and w_hat = float32((q - zero) * scale32).
  NF4: blocks of 64 of the flattened matrix, absmax per block, nearest code of the bitsandbytes NF4
  table (argmin; a tie goes to the lower code), w_hat = float32(code * absmax).
  EoRA: G = X^T X, eigh, lambda += damping * mean(lambda), E' = E Q diag(sqrt(lambda)), SVD of E',
  compensation C_k = E'_k diag(lambda^-1/2) Q^T, activation-space residual sum_{i>k} sigma_i(E')^2.
"""
import json
import os
import struct

import numpy as np

NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
                -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
                0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
                0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0], dtype=np.float32)


def groups_of(n, g):
    g = n if g == 0 else min(g, n)
    return [(s, min(n, s + g)) for s in range(0, n, g)]


def rtn(w, bits, symmetric, g):
    m, n = w.shape
    spans = groups_of(n, g)
    codes = np.zeros((m, n), np.int64)
    scales = np.zeros((m, len(spans)), np.float32)
    zeros = np.zeros((m, len(spans)), np.int64)
    deq = np.zeros((m, n), np.float32)
    w64 = w.astype(np.float64)
    for i in range(m):
        for gi, (a, b) in enumerate(spans):
            x = w64[i, a:b]
            if symmetric:
                qmax = 2 ** (bits - 1) - 1
                amax = np.abs(x).max()
                scale = np.float32(amax / qmax)
                q = np.zeros_like(x) if amax == 0 else np.clip(np.rint(x * qmax / amax), -qmax, qmax)
                zero = 0
            else:
                qmax = 2 ** bits - 1
                lo, hi = x.min(), x.max()
                if lo == hi:
                    lo, hi = min(lo, 0.0), max(hi, 0.0)
                if hi == lo:
                    scale, zero, q = np.float32(1.0), 0, np.zeros_like(x)
                else:
                    scale = np.float32((hi - lo) / qmax)
                    zero = int(np.rint(-lo * qmax / (hi - lo)))
                    q = np.clip(np.rint(x * qmax / (hi - lo)) + zero, 0, qmax)
            codes[i, a:b] = q
            scales[i, gi] = scale
            zeros[i, gi] = zero
            deq[i, a:b] = ((q - zero).astype(np.float32) * scale).astype(np.float32)
    return codes, scales, (None if symmetric else zeros), deq


def nf4(w):
    flat = w.reshape(-1).astype(np.float64)
    blocks = (flat.size + 63) // 64
    codes = np.zeros(flat.size, np.int64)
    scales = np.zeros((blocks, 1), np.float32)
    deq = np.zeros(flat.size, np.float32)
    for b in range(blocks):
        x = flat[b * 64:(b + 1) * 64]
        amax = np.abs(x).max()
        scales[b, 0] = np.float32(amax)
        norm = np.zeros_like(x) if amax == 0 else x / amax
        idx = np.abs(norm[:, None] - NF4.astype(np.float64)[None, :]).argmin(axis=1)
        codes[b * 64:(b + 1) * 64] = idx
        deq[b * 64:(b + 1) * 64] = NF4[idx] * np.float32(amax)
    return codes.reshape(w.shape), scales, None, deq.reshape(w.shape)


def eora(e, gram, damping, k):
    lam, q = np.linalg.eigh(gram)
    lam = np.clip(lam, 0, None)
    lam = lam + damping * lam.mean()
    ep = e @ q @ np.diag(np.sqrt(lam))
    u, s, vt = np.linalg.svd(ep, full_matrices=False)
    ek = (u[:, :k] * s[:k]) @ vt[:k]
    comp = ek @ np.diag(1 / np.sqrt(lam)) @ q.T
    return comp, float((s[k:] ** 2).sum()), s


def write_safetensors(path, tensors, metadata):
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, arr in tensors.items():
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64", np.dtype(np.int32): "I32"}[arr.dtype]
        data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - (8 + len(h)) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def main():
    rng = np.random.default_rng(20261203)
    w = (rng.standard_normal((6, 96)) * 0.05).astype(np.float32)
    w[1, :] = 0.0                      # an all-zero row
    w[2, 0:32] = np.float32(0.125)     # a constant group
    w[3, 5] = np.float32(0.9)          # an outlier
    w[4, :] *= np.float32(-3)          # a row of larger scale
    out = {"w": w}
    schemes = {"int8": (8, True, 0), "int4": (4, True, 0), "int4-g32": (4, True, 32),
               "int4-g64": (4, True, 64), "int4-g128": (4, True, 128), "int8-asym": (8, False, 0),
               "int4-g32-asym": (4, False, 32), "int4-g64-asym": (4, False, 64)}
    for name, (bits, sym, g) in schemes.items():
        codes, scales, zeros, deq = rtn(w, bits, sym, g)
        out[name + ".codes"] = codes.astype(np.int32)
        out[name + ".scales"] = scales
        if zeros is not None:
            out[name + ".zeros"] = zeros.astype(np.int32)
        out[name + ".deq"] = deq
    codes, scales, _, deq = nf4(w)
    out["nf4.codes"] = codes.astype(np.int32)
    out["nf4.scales"] = scales
    out["nf4.deq"] = deq
    # EoRA hand case: E 5x8, X 20x8 with correlated columns, damping 1e-6, k = 2
    e = rng.standard_normal((5, 8))
    x = rng.standard_normal((20, 8)) @ np.diag([3, 2, 1, 0.5, 0.25, 0.1, 0.05, 0.01]) @ rng.standard_normal((8, 8))
    gram = x.T @ x
    comp, resid, s = eora(e, gram, 1e-6, 2)
    out["eora.e"] = e
    out["eora.gram"] = gram
    out["eora.comp_k2"] = comp
    out["eora.sigma"] = s
    out["eora.residual_k2"] = np.array([resid])
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(here, "..", "analysis", "src", "test", "resources", "quant", "quant_goldens.safetensors")
    write_safetensors(target, out, {"tool": "tools/quant_goldens.py", "numpy": np.__version__, "eora_damping": "1e-6"})
    print("wrote", os.path.normpath(target))


if __name__ == "__main__":
    main()
