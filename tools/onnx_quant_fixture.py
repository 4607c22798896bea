#!/usr/bin/python3
"""A tiny int8 ONNX model covering the quantized-weight layouts OnnxSource dequantizes (issue 16),
and its expected dequantized weights computed with numpy (the ONNX DequantizeLinear formula
y = (x - zero_point) * scale, float32).

Run with Debian's python3-onnx and numpy:  /usr/bin/python3 tools/onnx_quant_fixture.py
Writes engine/src/test/resources/onnx/quantized.onnx and quantized_expected.safetensors (both small), and
unknown_scheme.onnx: ONNX Runtime's 4-bit MatMulNBits (com.microsoft; packed uint8 blocks) and a
QLinearMatMul beside one MatMulInteger weight Rankscope reads -- a quantized file of a scheme it cannot
dequantize, which compensate and evaluate must refuse in one line naming the operators (issue 16 item 7).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quant_goldens import write_safetensors  # noqa: E402


def deq(q, scale, zero, axis):
    q = q.astype(np.float32)
    if axis is None:
        return ((q - np.float32(zero)) * np.float32(scale)).astype(np.float32)
    shape = [1] * q.ndim
    shape[axis] = -1
    return ((q - zero.astype(np.float32).reshape(shape)) * scale.astype(np.float32).reshape(shape)).astype(np.float32)


def main():
    rng = np.random.default_rng(7)
    w1q = rng.integers(-127, 128, (4, 3), dtype=np.int8)      # (in, out) MatMul weight, ORT dynamic quantization
    w1s = rng.uniform(0.001, 0.02, 3).astype(np.float32)
    w1z = rng.integers(-3, 4, 3, dtype=np.int8)
    w2q = rng.integers(-127, 128, (3, 2), dtype=np.int8)      # scale with a non-conventional name (traced)
    w2s = rng.uniform(0.001, 0.02, 2).astype(np.float32)
    w2z = np.zeros(2, np.int8)
    eq = rng.integers(0, 256, (5, 2), dtype=np.uint8)         # QDQ initializer, per-tensor
    es = np.float32(0.05)
    ez = np.uint8(128)
    tq = rng.integers(0, 256, (3, 2), dtype=np.uint8)         # quantized Gather table (naming convention only)
    ts = np.float32(0.01)
    tz = np.uint8(120)
    inits = [
        numpy_helper.from_array(w1q, "onnx::MatMul_9_quantized"),
        numpy_helper.from_array(w1s, "onnx::MatMul_9_scale"),
        numpy_helper.from_array(w1z, "onnx::MatMul_9_zero_point"),
        numpy_helper.from_array(w2q, "onnx::MatMul_11_quantized"),
        numpy_helper.from_array(w2s, "w2s"),
        numpy_helper.from_array(w2z, "w2z"),
        numpy_helper.from_array(eq, "proj_q"),
        numpy_helper.from_array(np.array(es), "proj_s"),
        numpy_helper.from_array(np.array(ez), "proj_z"),
        numpy_helper.from_array(tq, "tok.weight_quantized"),
        numpy_helper.from_array(np.array(ts), "tok.weight_scale"),
        numpy_helper.from_array(np.array(tz), "tok.weight_zero_point"),
    ]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="/enc/quant"),
        helper.make_node("MatMulInteger", ["xq", "onnx::MatMul_9_quantized", "xz", "onnx::MatMul_9_zero_point"], ["m1"],
                         name="/enc/layer.0/lin/MatMul_quant"),
        helper.make_node("Cast", ["m1"], ["m1f"], to=TensorProto.FLOAT, name="/enc/layer.0/lin/cast"),
        helper.make_node("Mul", ["xs", "onnx::MatMul_9_scale"], ["s1"], name="/enc/layer.0/lin/scales_mul"),
        helper.make_node("Mul", ["m1f", "s1"], ["h1"], name="/enc/layer.0/lin/out"),
        helper.make_node("DynamicQuantizeLinear", ["h1"], ["hq", "hs", "hz"], name="/enc/quant2"),
        helper.make_node("MatMulInteger", ["hq", "onnx::MatMul_11_quantized", "hz", "w2z"], ["m2"],
                         name="/enc/layer.0/out/MatMul_quant"),
        helper.make_node("Cast", ["m2"], ["m2f"], to=TensorProto.FLOAT, name="/enc/layer.0/out/cast"),
        helper.make_node("Mul", ["hs", "w2s"], ["s2"], name="/enc/layer.0/out/scales_mul"),
        helper.make_node("Mul", ["m2f", "s2"], ["y"], name="/enc/layer.0/out/out"),
        helper.make_node("DequantizeLinear", ["proj_q", "proj_s", "proj_z"], ["proj"], name="/head/dq"),
        helper.make_node("Gather", ["tok.weight_quantized", "ids"], ["tg"], name="/tok/Gather"),
        helper.make_node("DequantizeLinear", ["tg", "tok.weight_scale", "tok.weight_zero_point"], ["t"], name="/tok/dq"),
    ]
    graph = helper.make_graph(nodes, "quantized", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4]),
                                                   helper.make_tensor_value_info("ids", TensorProto.INT64, [1])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2]),
                               helper.make_tensor_value_info("proj", TensorProto.FLOAT, [5, 2]),
                               helper.make_tensor_value_info("t", TensorProto.FLOAT, [1, 2])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="rankscope-fixture")
    onnx.checker.check_model(model)
    here = os.path.dirname(os.path.abspath(__file__))
    res = os.path.join(here, "..", "engine", "src", "test", "resources", "onnx")
    onnx.save(model, os.path.join(res, "quantized.onnx"))
    expected = {
        "enc.layer.0.lin.weight": np.ascontiguousarray(deq(w1q, w1s, w1z, 1).T),   # (out, in)
        "enc.layer.0.out.weight": np.ascontiguousarray(deq(w2q, w2s, w2z, 1).T),
        "proj": deq(eq, es, ez, None),
        "tok.weight": deq(tq, ts, tz, None),
    }
    write_safetensors(os.path.join(res, "quantized_expected.safetensors"), expected, {"tool": "tools/onnx_quant_fixture.py"})
    unknown_scheme(rng, res)
    print("wrote", os.path.normpath(res))


def unknown_scheme(rng, res):
    """MatMulNBits (K=4 inputs, N=3 outputs, 4 bits, block 16: B is N x 1 block x 8 bytes) and QLinearMatMul."""
    inits = [
        numpy_helper.from_array(rng.integers(0, 256, (3, 1, 8), dtype=np.uint8), "enc.layer.0.up.weight_Q4"),
        numpy_helper.from_array(rng.uniform(0.01, 0.1, 3).astype(np.float32), "enc.layer.0.up.weight_scales"),
        numpy_helper.from_array(rng.integers(-127, 128, (3, 2), dtype=np.int8), "enc.layer.0.down.weight_quantized"),
        numpy_helper.from_array(np.float32(0.02), "down_b_scale"),
        numpy_helper.from_array(np.int8(0), "down_b_zero"),
        numpy_helper.from_array(np.float32(0.05), "act_scale"),
        numpy_helper.from_array(np.uint8(128), "act_zero"),
        numpy_helper.from_array(rng.integers(-127, 128, (4, 4), dtype=np.int8), "onnx::MatMul_3_quantized"),
        numpy_helper.from_array(rng.uniform(0.001, 0.02, 4).astype(np.float32), "onnx::MatMul_3_scale"),
    ]
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "xz"], name="/enc/quant"),
        helper.make_node("MatMulInteger", ["xq", "onnx::MatMul_3_quantized", "xz"], ["m0"], name="/enc/layer.0/in/MatMul_quant"),
        helper.make_node("Cast", ["m0"], ["m0f"], to=TensorProto.FLOAT, name="/enc/layer.0/in/cast"),
        helper.make_node("MatMulNBits", ["m0f", "enc.layer.0.up.weight_Q4", "enc.layer.0.up.weight_scales"], ["u"],
                         domain="com.microsoft", K=4, N=3, bits=4, block_size=16, name="/enc/layer.0/up/MatMulNBits"),
        helper.make_node("QuantizeLinear", ["u", "act_scale", "act_zero"], ["uq"], name="/enc/layer.0/down/q"),
        helper.make_node("QLinearMatMul", ["uq", "act_scale", "act_zero", "enc.layer.0.down.weight_quantized",
                                           "down_b_scale", "down_b_zero", "act_scale", "act_zero"], ["yq"],
                         name="/enc/layer.0/down/QLinearMatMul"),
        helper.make_node("DequantizeLinear", ["yq", "act_scale", "act_zero"], ["y"], name="/enc/layer.0/down/dq"),
    ]
    graph = helper.make_graph(nodes, "unknown_scheme", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 2])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13), helper.make_opsetid("com.microsoft", 1)],
                              producer_name="rankscope-fixture")
    onnx.save(model, os.path.join(res, "unknown_scheme.onnx"))


if __name__ == "__main__":
    main()
