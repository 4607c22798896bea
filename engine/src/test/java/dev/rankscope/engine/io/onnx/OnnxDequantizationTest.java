package dev.rankscope.engine.io.onnx;

import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rankscope.engine.tensor.CheckpointFormatException;

/**
 * Quantized ONNX weights (issue 16) are exposed dequantized, checked against numpy's
 * DequantizeLinear of the same initializers ({@code tools/onnx_quant_fixture.py}): MatMulInteger
 * weights (scale by naming convention and by tracing Cast → Mul ← Mul), a QDQ DequantizeLinear
 * initializer and a quantized Gather table. Weights of quantized operators it cannot dequantize
 * (ONNX Runtime's 4-bit {@code MatMulNBits}, {@code QLinearMatMul}) are named, and a quantized side
 * holding them is refused in one line (issue 16 item 7).
 */
class OnnxDequantizationTest {
    private static Path resource(String name) throws Exception {
        return Path.of(OnnxDequantizationTest.class.getResource("/onnx/" + name).toURI());
    }

    @Test
    void dequantizedViewsMatchNumpy() throws Exception {
        try (TensorSource onnx = Checkpoints.open(resource("quantized.onnx"));
             TensorSource expected = Checkpoints.open(resource("quantized_expected.safetensors"))) {
            for (TensorInfo e : expected.tensors()) {
                TensorInfo t = onnx.require(e.name());
                assertArrayEquals(e.shape(), t.shape(), e.name() + " shape");
                assertArrayEquals(expected.readDouble(e.name()), onnx.readDouble(e.name()), 0.0, e.name());
                assertTrue(onnx.metadata().containsKey("onnx.dequantized." + e.name()), e.name() + " is described");
            }
            assertEquals(DType.I8, onnx.require("enc.layer.0.lin.weight").dtype(), "stored type shown");
            assertEquals(DType.U8, onnx.require("tok.weight").dtype());
            assertTrue(onnx.metadata().get("onnx.dequantized.enc.layer.0.out.weight").contains("w2s"),
                    "scale traced through Cast → Mul ← Mul(a_scale, w2s)");
            String parts = onnx.metadata().get("onnx.quantized_parts");
            assertTrue(parts.contains("onnx::MatMul_9_quantized") && parts.contains("proj_z"), parts);
            // partial reads of a dequantized, transposed view
            double[] all = onnx.readDouble("enc.layer.0.lin.weight");
            double[] part = new double[5];
            onnx.readElements("enc.layer.0.lin.weight", 3, 5, part, 0);
            assertArrayEquals(java.util.Arrays.copyOfRange(all, 3, 8), part, 0.0);
        }
    }

    @Test
    void weightsOfAnUnknownQuantizedOperatorAreNamedAndRefused() throws Exception {
        try (TensorSource onnx = Checkpoints.open(resource("unknown_scheme.onnx"))) {
            assertEquals("MatMulNBits (enc.layer.0.up.weight_Q4); QLinearMatMul (enc.layer.0.down.weight_quantized)",
                    onnx.metadata().get(OnnxSource.UNKNOWN_QUANTIZATION_KEY),
                    "activation QuantizeLinear/DequantizeLinear and zero points are not weights");
            assertTrue(onnx.find("enc.layer.0.in.weight").isPresent(), "the MatMulInteger weight beside them is still read");
            CheckpointFormatException e = assertThrows(CheckpointFormatException.class,
                    () -> OnnxSource.requireKnownQuantization(onnx));
            assertEquals("unknown_scheme.onnx: weights quantized by MatMulNBits (enc.layer.0.up.weight_Q4); QLinearMatMul"
                    + " (enc.layer.0.down.weight_quantized), a scheme Rankscope cannot dequantise (it reads DequantizeLinear,"
                    + " MatMulInteger and quantized Gather tables)", e.userMessage());
        }
        try (TensorSource onnx = Checkpoints.open(resource("quantized.onnx"))) {
            assertFalse(onnx.metadata().containsKey(OnnxSource.UNKNOWN_QUANTIZATION_KEY), onnx.metadata().toString());
            OnnxSource.requireKnownQuantization(onnx);
        }
    }
}
