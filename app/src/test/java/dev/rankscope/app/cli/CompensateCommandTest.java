package dev.rankscope.app.cli;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.DType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code rankscope compensate}: parse → job → print; bad input is one line and exit 2, nothing written. */
class CompensateCommandTest {
    @TempDir
    Path dir;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        String[] full = new String[args.length + 1];
        full[0] = "compensate";
        System.arraycopy(args, 0, full, 1, args.length);
        return RankscopeCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true)).execute(full);
    }

    private Path model(int inputs) {
        Random r = new Random(3);
        SafetensorsWriter w = new SafetensorsWriter();
        for (String m : new String[] {"model.layers.0.self_attn.q_proj", "model.layers.0.mlp.up_proj"}) {
            double[] d = new double[16 * inputs];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (0.1 * r.nextGaussian());
            }
            w.add(m + ".weight", DType.F32, new long[] {16, inputs}, sink -> sink.put(d));
        }
        Path f = dir.resolve("m" + inputs + ".safetensors");
        w.write(f, AtomicFileWriter.unprotected());
        return f;
    }

    @Test
    void writesAVerifiedAdapterAndTheJson() throws Exception {
        Path base = model(32);
        Path out1 = dir.resolve("adapter");
        int code = run("--base", base.toString(), "--quantize", "nf4", "--params", "400", "--out", out1.toString(),
                "--json", dir.resolve("r.json").toString());
        assertEquals(0, code, err.toString());
        String table = out.toString();
        assertTrue(table.contains("model.layers.0.self_attn.q_proj.weight") && table.contains("verified on reload: yes"), table);
        assertTrue(Files.isRegularFile(out1.resolve("adapter_model.safetensors")));
        assertTrue(Files.isRegularFile(out1.resolve("quantized-base/quantized_codes.safetensors")));
        String json = Files.readString(dir.resolve("r.json"));
        assertTrue(json.contains("\"addedParams\"") && json.contains("\"errorSigma\""), json);
    }

    @Test
    void unknownSchemeIsOneLineAndExit2() {
        Path base = model(32);
        assertEquals(2, run("--base", base.toString(), "--quantize", "int3", "--rank", "2", "--out", dir.resolve("a").toString()));
        assertTrue(err.toString().contains("unknown quantization scheme 'int3'"), err.toString());
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void aQuantizedFileOfAnUnknownSchemeIsOneLineNamingIt() throws Exception {
        Path onnx = dev.rankscope.engine.testing.SourceTree.find("engine/src/test/resources/onnx/unknown_scheme.onnx");
        int code = run("--base", model(32).toString(), "--quantized", onnx.toString(), "--rank", "2",
                "--out", dir.resolve("a").toString());
        assertEquals(2, code);
        String e = err.toString().trim();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.contains("unknown_scheme.onnx: weights quantized by MatMulNBits (enc.layer.0.up.weight_Q4)")
                && e.contains("a scheme Rankscope cannot dequantise"), e);
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void statisticsOfAnotherModelNameTheModule() {
        Path base = model(32);
        Path stats = dir.resolve("stats.safetensors");
        SafetensorsWriter w = new SafetensorsWriter();
        for (String m : new String[] {"model.layers.0.self_attn.q_proj", "model.layers.0.mlp.up_proj"}) {
            double[] g = new double[48 * 48];
            for (int i = 0; i < 48; i++) {
                g[i * 48 + i] = 1;
            }
            w.add(m + ".input_gram", DType.F32, new long[] {48, 48}, sink -> sink.put(g));
        }
        w.write(stats, AtomicFileWriter.unprotected());
        int code = run("--base", base.toString(), "--quantize", "int4-g32", "--stats", stats.toString(), "--method", "eora",
                "--rank", "2", "--out", dir.resolve("a").toString());
        assertEquals(2, code);
        String e = err.toString().trim();
        assertEquals(1, e.lines().count(), e);
        assertTrue(e.contains("model.layers.0.self_attn.q_proj.input_gram is 48×48 but model.layers.0.self_attn.q_proj has 32 inputs"), e);
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void eoraWithoutStatisticsIsAUsageError() {
        Path base = model(32);
        assertEquals(2, run("--base", base.toString(), "--quantize", "int8", "--method", "eora", "--rank", "2",
                "--out", dir.resolve("a").toString()));
        assertTrue(err.toString().contains("EoRA needs calibration statistics"), err.toString());
    }
}
