"""Reference: numpy svd(compute_uv=False) in float64 over every 2-D matrix of a safetensors
checkpoint (single file, or a folder / index of shards), the way WeightWatcher computes spectra.

Usage: python3 numpy_model.py PATH [--limit N] [--filter REGEX] [--compare SIGMA.json]
Prints JSON {"matrices", "wall_s", "numpy"}; with --compare (a JSON object name -> our sigma,
descending) also "compared", "max_rel_dev" (max |s_ours - s_np| / s_np over s_np >= 1e-3 s1, the
SPEC tolerance's relative range) and "max_abs_dev" (max |s_ours - s_np| / s1 over all values);
the comparison time is not counted in wall_s. Reads BF16/F16/F32/F64.
"""
import json
import os
import re
import struct
import sys
import time

import numpy as np


def shards(path):
    if os.path.isdir(path):
        idx = [f for f in os.listdir(path) if f.endswith(".safetensors.index.json")]
        if idx:
            path = os.path.join(path, idx[0])
        else:
            return [os.path.join(path, "model.safetensors")]
    if path.endswith(".json"):
        with open(path) as f:
            wm = json.load(f)["weight_map"]
        d = os.path.dirname(path)
        return sorted({os.path.join(d, v) for v in wm.values()})
    return [path]


def tensors(file):
    with open(file, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
    base = 8 + n
    mm = np.memmap(file, dtype=np.uint8, mode="r")
    for name, e in header.items():
        if name == "__metadata__" or len(e["shape"]) != 2:
            continue
        b, end = e["data_offsets"]
        raw = mm[base + b: base + end]
        dt = e["dtype"]
        if dt == "BF16":
            a = (raw.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
        elif dt == "F16":
            a = raw.view(np.float16)
        elif dt == "F32":
            a = raw.view(np.float32)
        elif dt == "F64":
            a = raw.view(np.float64)
        else:
            continue
        yield name, a.reshape(e["shape"]).astype(np.float64)


def main():
    path = sys.argv[1]
    limit = int(sys.argv[sys.argv.index("--limit") + 1]) if "--limit" in sys.argv else None
    pattern = re.compile(sys.argv[sys.argv.index("--filter") + 1]) if "--filter" in sys.argv else None
    ours = None
    if "--compare" in sys.argv:
        with open(sys.argv[sys.argv.index("--compare") + 1]) as f:
            ours = json.load(f)
    count = 0
    compared = 0
    max_rel = 0.0
    max_abs = 0.0
    comparing = 0.0
    t0 = time.perf_counter()
    for f in shards(path):
        for name, a in tensors(f):
            if pattern is not None and not pattern.search(name):
                continue
            s = np.linalg.svd(a, compute_uv=False)
            count += 1
            if ours is not None and name in ours:
                c0 = time.perf_counter()
                o = np.asarray(ours[name], dtype=np.float64)
                if o.shape == s.shape and s.size > 0 and s[0] > 0:
                    d = np.abs(o - s)
                    big = s >= 1e-3 * s[0]
                    max_rel = max(max_rel, float(np.max(d[big] / s[big])))
                    max_abs = max(max_abs, float(np.max(d) / s[0]))
                    compared += 1
                comparing += time.perf_counter() - c0
            if limit and count >= limit:
                break
        if limit and count >= limit:
            break
    out = {"matrices": count, "wall_s": time.perf_counter() - t0 - comparing, "numpy": np.__version__}
    if ours is not None:
        out.update({"compared": compared, "max_rel_dev": max_rel, "max_abs_dev": max_abs})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
