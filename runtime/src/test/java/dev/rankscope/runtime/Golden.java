package dev.rankscope.runtime;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A golden model folder written by {@code tools/torch_reference.py} (the independent PyTorch
 * reference) and its expected outputs ({@code golden.safetensors}).
 */
final class Golden implements AutoCloseable {
    final Path folder;
    final TensorSource expected;
    final List<String> texts;

    Golden(String name) {
        try {
            folder = Path.of(Golden.class.getResource("/golden/" + name).toURI());
            expected = Checkpoints.open(folder.resolve("golden.safetensors"));
            texts = new ObjectMapper().readValue(expected.metadata().get("texts"), new TypeReference<List<String>>() { });
        } catch (URISyntaxException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String meta(String key) {
        return expected.metadata().get(key);
    }

    int[] ids(int i) {
        double[] d = expected.readDouble("input_ids." + i);
        int[] out = new int[d.length];
        for (int j = 0; j < d.length; j++) {
            out[j] = (int) d[j];
        }
        return out;
    }

    FloatMatrix matrix(String name) {
        TensorInfo t = expected.require(name);
        long[] s = t.shape();
        return new FloatMatrix((int) s[0], (int) s[1], expected.readFloat(name));
    }

    /** max |a − b| ≤ tol. */
    static void assertClose(FloatMatrix want, FloatMatrix got, double tol, String what) {
        assertEquals(want.rows(), got.rows(), what + " rows");
        assertEquals(want.cols(), got.cols(), what + " cols");
        double worst = maxAbsDiff(want, got);
        assertTrue(worst <= tol, what + ": max |Δ| = " + worst + " > " + tol);
    }

    /** max |a − b| ≤ tol · max |want| (hidden states: relative tolerance). */
    static void assertRelClose(FloatMatrix want, FloatMatrix got, double tol, String what) {
        double scale = 0;
        for (int i = 0; i < want.rows() * want.cols(); i++) {
            scale = Math.max(scale, Math.abs(want.data()[i]));
        }
        assertEquals(want.rows(), got.rows(), what + " rows");
        double worst = maxAbsDiff(want, got);
        assertTrue(worst <= tol * scale, what + ": max |Δ| = " + worst + " > " + tol + " × " + scale);
    }

    static double maxAbsDiff(FloatMatrix a, FloatMatrix b) {
        double worst = 0;
        for (int i = 0; i < a.rows() * a.cols(); i++) {
            worst = Math.max(worst, Math.abs(a.data()[i] - b.data()[i]));
        }
        return worst;
    }

    @Override
    public void close() {
        expected.close();
    }
}
