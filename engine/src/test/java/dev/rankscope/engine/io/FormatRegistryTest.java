package dev.rankscope.engine.io;

import dev.rankscope.engine.io.gguf.GgufFormat;
import dev.rankscope.engine.io.numpy.NpzFormat;
import dev.rankscope.engine.io.numpy.NumpyFormat;
import dev.rankscope.engine.io.onnx.OnnxFormat;
import dev.rankscope.engine.io.torch.TorchFormat;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.engine.testing.GgufTestWriter;
import dev.rankscope.engine.testing.NpyTestWriter;
import dev.rankscope.engine.testing.TestEncoding;
import dev.rankscope.engine.testing.TorchCheckpointWriter;
import dev.rankscope.engine.testing.ZipTestWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** Formats are registered after safetensors and chosen by content, whatever the file is called. */
class FormatRegistryTest {
    @TempDir
    Path dir;

    @Test
    void defaultFormatsKeepSafetensorsFirst() {
        List<TensorFormat> formats = Checkpoints.defaultFormats();
        assertEquals("safetensors", formats.get(0).name());
        assertInstanceOf(GgufFormat.class, formats.get(1));
        assertEquals(List.of("safetensors", "gguf", "npy", "pytorch", "npz", "onnx"),
                formats.stream().map(TensorFormat::name).toList());
        assertInstanceOf(NumpyFormat.class, formats.get(2));
        assertInstanceOf(TorchFormat.class, formats.get(3));
        assertInstanceOf(NpzFormat.class, formats.get(4));
        assertInstanceOf(OnnxFormat.class, formats.get(5));
    }

    @Test
    void misleadingExtensionsDoNotFoolDetection() throws Exception {
        Path gguf = new GgufTestWriter(3, 32).tensor("w", new long[] {2}, DType.F32,
                TestEncoding.encode(DType.F32, new double[] {1, 2})).write(dir.resolve("model.bin"));
        Path npy = Files.write(dir.resolve("weights.pt"),
                NpyTestWriter.npy(DType.F32, ByteOrder.LITTLE_ENDIAN, false, new long[] {1}, new double[] {3}, 1));
        Path npz = new ZipTestWriter(1).stored("a.npy",
                NpyTestWriter.npy(DType.F32, ByteOrder.LITTLE_ENDIAN, false, new long[] {1}, new double[] {4}, 1))
                .write(dir.resolve("arrays.gguf"));
        Path torch = new TorchCheckpointWriter("archive").tensor("w", DType.F32, new long[] {1}, new double[] {5})
                .write(dir.resolve("state.npz.backup"));
        Path npzNamedBin = new ZipTestWriter(1).stored("b.npy",
                NpyTestWriter.npy(DType.F32, ByteOrder.LITTLE_ENDIAN, false, new long[] {1}, new double[] {6}, 1))
                .write(dir.resolve("pytorch_model.bin"));
        for (Object[] c : new Object[][] {{gguf, "gguf"}, {npy, "npy"}, {npz, "npz"}, {torch, "pytorch"}, {npzNamedBin, "npz"}}) {
            try (TensorSource s = Checkpoints.open((Path) c[0])) {
                assertEquals(c[1], s.format(), c[0].toString());
            }
        }
    }
}
