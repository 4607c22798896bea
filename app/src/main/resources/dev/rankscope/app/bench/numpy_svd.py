"""Reference timing for `rankscope bench`: numpy's svd(compute_uv=False) in float64.

Usage: python3 numpy_svd.py 4096x4096,4096x11008 REPEAT
Prints one JSON list: [{"m", "n", "median_s", "times_s", "numpy"}]. Matrices are seeded Gaussian;
LAPACK's gesdd time depends on the shape, not materially on the values.
"""
import json
import sys
import time

import numpy as np


def main():
    sizes = [tuple(int(x) for x in s.lower().split("x")) for s in sys.argv[1].split(",")]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    rng = np.random.default_rng(0)
    out = []
    for m, n in sizes:
        a = rng.standard_normal((m, n))
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            np.linalg.svd(a, compute_uv=False)
            times.append(time.perf_counter() - t0)
        out.append({"m": m, "n": n, "median_s": float(np.median(times)), "times_s": times,
                    "numpy": np.__version__})
    print(json.dumps(out))


if __name__ == "__main__":
    main()
