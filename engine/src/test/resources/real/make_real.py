#!/usr/bin/python3
"""Generates the REAL fixture files next to this script with the real producers
(torch.save, numpy.save/savez/savez_compressed, torch.onnx.export, gguf-py's GGUFWriter).

Run with Debian's python (apt-get install python3-torch python3-numpy python3-onnx) and the
gguf wheel on PYTHONPATH (pip install --target DIR gguf==0.19.0):

    PYTHONPATH=DIR /usr/bin/python3 make_real.py

The committed bytes are the test: RealFixturesTest asserts the values defined here
(every value is an exact formula so the Java test recomputes it). CI does not need torch.
"""
import collections
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))


def out(name):
    return os.path.join(HERE, name)


def weight_values():
    # fc.weight[i] = (i - 12) / 8, shape (4, 6): exact in every float type.
    return (torch.arange(24, dtype=torch.float64) - 12) / 8


def torch_fixtures():
    w = weight_values().to(torch.float32).reshape(4, 6)
    sd = collections.OrderedDict()
    sd["fc.weight"] = w
    sd["fc.half"] = ((torch.arange(12, dtype=torch.float64) - 6) / 4).to(torch.float16).reshape(3, 4)
    sd["fc.bf16"] = ((torch.arange(6, dtype=torch.float64) - 3) / 2).to(torch.bfloat16).reshape(2, 3)
    sd["fc.double"] = torch.tensor([[3.141592653589793, 2.718281828459045], [-1 / 3, 1e-300]], dtype=torch.float64)
    sd["fc.int8"] = torch.tensor([-128, -1, 0, 1, 127], dtype=torch.int8)
    sd["fc.uint8"] = torch.tensor([0, 7, 255], dtype=torch.uint8)
    sd["fc.int16"] = torch.tensor([-32768, 12345], dtype=torch.int16)
    sd["fc.int32"] = torch.tensor([-(2 ** 31), 2 ** 31 - 1], dtype=torch.int32)
    sd["fc.int64"] = torch.tensor([-(2 ** 40), 0, 2 ** 40], dtype=torch.int64)
    sd["fc.bool"] = torch.tensor([True, False, True, True])
    sd["view.t"] = w.t()                  # non-contiguous view sharing fc.weight's storage
    sd["view.slice"] = w[1:, 2:5]         # storage_offset 8, strides (6, 1)
    sd["view.every_other"] = w[:, ::2]    # strides (6, 2)
    sd["param"] = torch.nn.Parameter(w[0].clone())  # pickled through _rebuild_parameter
    torch.save(sd, out("torch_state.bin"))

    lin = torch.nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        lin.bias.copy_(torch.tensor([0.5, -0.5]))
    torch.save({"state_dict": lin.state_dict(), "epoch": 7, "lr": 0.001}, out("torch_nested.pt"))
    torch.save(collections.OrderedDict(w=torch.ones(2)), out("torch_legacy.pt"), _use_new_zipfile_serialization=False)

    # Byte-for-byte reference for the test-side writer (TorchCheckpointWriter without _metadata).
    base = torch.arange(6, dtype=torch.float32)
    simple = collections.OrderedDict()
    simple["a"] = torch.tensor([1.0, 2.0])
    simple["b"] = base.reshape(2, 3).t()
    torch.save(simple, out("archive.bin"))


def numpy_fixtures():
    a = ((np.arange(24, dtype=np.float64) - 12) / 8).reshape(4, 6)
    np.save(out("np_c.npy"), a.astype(np.float32))
    np.save(out("np_fortran.npy"), np.asfortranarray(a.reshape(4, 6)))
    np.save(out("np_big.npy"), a.astype(">f4"))
    np.savez(out("np_arrays.npz"), weight=a.astype(np.float16), ints=np.array([-3, 0, 9], dtype=np.int64),
             flags=np.array([True, False]), u16=np.array([1, 65535], dtype=np.uint16))
    np.savez_compressed(out("np_compressed.npz"), weight=a, fortran=np.asfortranarray(a.astype(np.float32)))


class Attn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = torch.nn.Linear(6, 4, bias=False)

    def forward(self, x):
        return self.q_proj(x)


class Layer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.self_attn = Attn()

    def forward(self, x):
        return self.self_attn(x)


class Inner(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = torch.nn.ModuleList([Layer()])

    def forward(self, x):
        return self.layers[0](x)


class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.model = Inner()
        self.head = torch.nn.Linear(4, 3, bias=True)

    def forward(self, x):
        h = self.model(x)                              # 3-D input: q_proj exported as MatMul with W^T
        return self.head(h[:, 0, :])                   # 2-D input: exported as Gemm(transB=1)


def onnx_fixture():
    m = Tiny()
    with torch.no_grad():
        m.model.layers[0].self_attn.q_proj.weight.copy_(weight_values().to(torch.float32).reshape(4, 6))
        m.head.weight.copy_((torch.arange(12, dtype=torch.float32) / 4).reshape(3, 4))
        m.head.bias.copy_(torch.tensor([1.0, 2.0, 3.0]))
    torch.onnx.export(m, torch.zeros(1, 2, 6), out("tiny.onnx"), opset_version=13,
                      input_names=["x"], output_names=["y"])


def gguf_fixture():
    import gguf
    from gguf import quants
    from gguf import GGMLQuantizationType as T
    w = gguf.GGUFWriter(out("real.gguf"), "llama")
    w.add_name("rankscope-real")
    w.add_block_count(1)
    w.add_token_list(["<s>", "</s>"] + ["t%d" % i for i in range(40)])
    x = np.sin(np.arange(64, dtype=np.float32) * 0.37).reshape(2, 32)
    w.add_tensor("f32", x)
    w.add_tensor("f16", x.astype(np.float16))
    for t in (T.Q8_0, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1):
        q = quants.quantize(x, t)
        w.add_tensor(t.name.lower(), q, raw_shape=q.shape, raw_dtype=t)
        w.add_tensor(t.name.lower() + ".expected", quants.dequantize(q, t).astype(np.float32))
    rng = np.random.default_rng(7)
    for t in (T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K):
        block_size, type_size = gguf.GGML_QUANT_SIZES[t]
        raw = rng.integers(0, 256, size=(2, 2 * type_size), dtype=np.uint8)
        # Replace the f16 super-block scales with small finite values so the test data is sane.
        for r in range(2):
            for b in range(2):
                blk = raw[r, b * type_size:(b + 1) * type_size]
                d_offsets = {T.Q2_K: (80, 82), T.Q3_K: (108,), T.Q4_K: (0, 2), T.Q5_K: (0, 2), T.Q6_K: (208,)}[t]
                for k, off in enumerate(d_offsets):
                    blk[off:off + 2] = np.frombuffer(np.float16(0.01 * (k + 1) * (r + b + 1)).tobytes(), dtype=np.uint8)
        w.add_tensor(t.name.lower(), raw, raw_shape=raw.shape, raw_dtype=t)
        w.add_tensor(t.name.lower() + ".expected", quants.dequantize(raw, t).astype(np.float32))
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()


if __name__ == "__main__":
    torch.manual_seed(0)
    torch_fixtures()
    numpy_fixtures()
    onnx_fixture()
    gguf_fixture()
