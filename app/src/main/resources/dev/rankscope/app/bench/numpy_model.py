"""Reference: numpy svd(compute_uv=False) in float64 over every 2-D matrix of a safetensors
checkpoint (single file, or a folder / index of shards), the way WeightWatcher computes spectra.

Usage: python3 numpy_model.py PATH [--limit N] [--filter REGEX]
Prints JSON {"matrices", "wall_s", "numpy", "max_rel_dev": null}. Reads BF16/F16/F32/F64.
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
    count = 0
    t0 = time.perf_counter()
    for f in shards(path):
        for name, a in tensors(f):
            if pattern is not None and not pattern.search(name):
                continue
            np.linalg.svd(a, compute_uv=False)
            count += 1
            if limit and count >= limit:
                break
        if limit and count >= limit:
            break
    print(json.dumps({"matrices": count, "wall_s": time.perf_counter() - t0, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
