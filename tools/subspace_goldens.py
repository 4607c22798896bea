#!/usr/bin/python3
"""Golden principal angles for SPEC §11, from numpy/LAPACK and scipy.linalg.subspace_angles.

Writes analysis/src/test/resources/golden/subspace/principal-angles.json: random orthonormal
bases (QR of seeded Gaussian matrices) and, for each pair, cos θ (descending) and the overlap
‖AᵀB‖²_F / k. Run with Debian's /usr/bin/python3 (python3-numpy, python3-scipy); CI only reads
the JSON.
"""
import json
import pathlib
import numpy as np
import scipy.linalg

rng = np.random.default_rng(20261203)
cases = []
for (m, k) in [(6, 3), (10, 4), (32, 8), (17, 5)]:
    a, _ = np.linalg.qr(rng.standard_normal((m, k)))
    # b shares part of a's span so the angles are spread out
    mix = rng.standard_normal((m, k)) * 0.7 + a @ rng.standard_normal((k, k))
    b, _ = np.linalg.qr(mix)
    cos = np.linalg.svd(a.T @ b, compute_uv=False)
    theta = scipy.linalg.subspace_angles(a, b)  # descending angles
    assert np.allclose(np.sort(np.cos(theta))[::-1], cos, atol=1e-10)
    cases.append({
        "m": m, "k": k,
        "a": a.tolist(), "b": b.tolist(),
        "cosines": cos.tolist(),
        "overlap": float(np.sum((a.T @ b) ** 2) / k),
    })
out = pathlib.Path(__file__).resolve().parent.parent / "analysis/src/test/resources/golden/subspace/principal-angles.json"
out.write_text(json.dumps({"generator": "tools/subspace_goldens.py (numpy %s, scipy %s)" % (np.__version__, scipy.__version__),
                           "cases": cases}, indent=1))
print("wrote", out)
