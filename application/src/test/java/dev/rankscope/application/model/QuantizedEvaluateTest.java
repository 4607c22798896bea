package dev.rankscope.application.model;

import dev.rankscope.application.job.JobJson;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code evaluate --quantized Q [--adapter A]} (issue 16 §5) on the trained sample tiny-kjv: the
 * parameters round-trip and refuse an adapter without its quantized model; a quantized file of another
 * model is one sentence naming the file and the module, and one with no linear weight of the model too.
 */
class QuantizedEvaluateTest {
    @TempDir
    Path dir;

    static Path sample() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve("sample-checkpoints/tiny-kjv");
            if (Files.isDirectory(f)) {
                return f;
            }
        }
        throw new IllegalStateException("sample-checkpoints/tiny-kjv not found");
    }

    private Path file(String name, long rows, long cols) {
        SafetensorsWriter w = new SafetensorsWriter();
        w.add(name, DType.F32, new long[] {rows, cols}, sink -> sink.put(new double[(int) (rows * cols)]));
        Path f = dir.resolve("q.safetensors");
        w.write(f, AtomicFileWriter.unprotected());
        return f;
    }

    private EvaluateParameters params(Path quantized) {
        return new EvaluateParameters(sample(), sample().resolve("eval.txt"), null, null, null, 64, 256, null, quantized, null);
    }

    @Test
    void parametersRoundTripAndAnAdapterNeedsItsQuantizedModel() {
        EvaluateParameters p = new EvaluateParameters(Path.of("/m"), Path.of("/t"), null, null, null, 64, 256, null,
                Path.of("/q.gguf"), Path.of("/adapter"));
        assertEquals(p, JobJson.read(JobJson.write(p), EvaluateParameters.class));
        assertThrows(IllegalArgumentException.class, () -> new EvaluateParameters(Path.of("/m"), Path.of("/t"), null, null,
                null, 64, 256, null, null, Path.of("/adapter")));
        assertThrows(IllegalArgumentException.class, () -> new EvaluateParameters(Path.of("/m"), Path.of("/t"),
                Path.of("/plan.json"), null, null, 64, 256, null, Path.of("/q"), null));
    }

    @Test
    void aQuantizedFileOfAnotherModelIsOneSentence() {
        Path q = file("model.layers.0.self_attn.q_proj.weight", 3, 3);
        ModelInputException e = assertThrows(ModelInputException.class, () -> new EvaluateJob().task(params(q)).runHere());
        assertTrue(e.userMessage().contains("q.safetensors") && e.userMessage().contains("model.layers.0.self_attn.q_proj")
                && e.userMessage().contains("3×3"), e.userMessage());
    }

    @Test
    void aFileWithoutLinearWeightsOfTheModelIsOneSentence() {
        Path q = file("encoder.layer.0.attention.self.query.weight", 4, 4);
        ModelInputException e = assertThrows(ModelInputException.class, () -> new EvaluateJob().task(params(q)).runHere());
        assertTrue(e.userMessage().contains("has no weight of any linear module"), e.userMessage());
    }
}
