package dev.rankscope.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rankscope.application.model.CalibrateJob;
import dev.rankscope.application.model.CalibrateParameters;
import dev.rankscope.application.model.CalibrateResult;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.synth.ModelShape;
import dev.rankscope.runtime.ForwardBench;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * {@code rankscope bench --calibrate}: the calibrate job ({@link CalibrateJob}, the code of
 * {@code rankscope calibrate}) on a synthetic Llama-shaped BF16 checkpoint (generated once, shared
 * with {@code --model} and {@code --forward}). The checkpoint gets a generated WordLevel
 * {@code tokenizer.json} whose words {@code w<id>} are the vocabulary's ids, and the text is
 * {@code tokens} random such words, so exactly that many tokens go through the model in windows of
 * {@code seqLen} (capped at the model's 2048 positions). Prints wall time, tokens/s, the peak
 * resident set (VmHWM, the memory figure), the max heap, the BLAS and OpenBLAS core, the
 * statistics file's size and the machine's load average before and after (a wall time under load
 * is not a speed; the RSS is valid either way). The statistics file is written to a temporary
 * folder and deleted.
 */
final class CalibrateBench {
    /** Seed of the random text (the same tokens every run). */
    static final long TEXT_SEED = 15;

    private final PrintWriter out;
    private final PrintWriter err;

    CalibrateBench(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    int run(ModelShape shape, int fullLayers, long tokens, int seqLen) {
        Path model = ModelBench.syntheticCheckpoint(shape, err);
        writeTokenizer(model, shape.vocab());
        Path work;
        try {
            work = Files.createTempDirectory("rankscope-bench-calibrate");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path text = writeText(work.resolve("text.txt"), tokens, shape.vocab());
            Path stats = work.resolve("stats.safetensors");
            String loadBefore = loadAverage();
            err.println("rankscope bench: calibrating " + shape.name() + " on " + tokens + " tokens...");
            int[] lastTenth = {-1};
            var task = new CalibrateJob().task(new CalibrateParameters(model, text, seqLen, tokens, stats));
            task.addListener(p -> {
                int tenth = (int) (p.fraction() * 10);
                if (tenth > lastTenth[0] && !p.message().isBlank()) {
                    lastTenth[0] = tenth;
                    err.println("rankscope bench: " + p.message());
                }
            });
            long t0 = System.nanoTime();
            CalibrateResult r = task.runHere();
            double wall = (System.nanoTime() - t0) / 1e9;
            long statsBytes = size(stats);
            out.printf(Locale.ROOT, "model          %s (synthetic BF16, %d of %d layers, hidden %d, intermediate %d, %s)%n",
                    shape.name(), shape.layers(), fullLayers, shape.hidden(), shape.intermediate(), model);
            out.printf(Locale.ROOT, "text           %d random tokens of a generated %d-word tokenizer, %d windows of %d%n",
                    r.tokens(), shape.vocab(), r.windows(), r.seqLen());
            out.printf(Locale.ROOT, "BLAS           %s%n", ForwardBench.blas());
            out.printf(Locale.ROOT, "calibrate      %d tokens in %.1f s = %.1f tokens/s (statistics of %d modules, %.2f GB, deleted)%n",
                    r.tokens(), wall, r.tokens() / wall, r.modules().size(), statsBytes / 1e9);
            out.printf(Locale.ROOT, "peak RSS       %s (VmHWM; max heap %d MB)%n", ModelBench.peakRss(),
                    Runtime.getRuntime().maxMemory() >> 20);
            out.printf(Locale.ROOT, "load average   %s before, %s after, on %d cores (a wall time under load is not a speed)%n",
                    loadBefore, loadAverage(), Runtime.getRuntime().availableProcessors());
            return 0;
        } finally {
            deleteTree(work);
        }
    }

    /**
     * A WordLevel {@code tokenizer.json} for the synthetic model: word {@code w<i>} is id i,
     * whitespace pre-tokenizer, no normaliser, no special tokens (written once beside config.json).
     */
    static void writeTokenizer(Path model, int vocab) {
        Path file = model.resolve("tokenizer.json");
        if (Files.exists(file)) {
            return;
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.putArray("added_tokens");
        root.putNull("normalizer");
        root.putObject("pre_tokenizer").put("type", "Whitespace");
        root.putNull("post_processor");
        root.putNull("decoder");
        ObjectNode m = root.putObject("model");
        m.put("type", "WordLevel");
        ObjectNode words = m.putObject("vocab");
        for (int i = 0; i < vocab; i++) {
            words.put("w" + i, i);
        }
        m.put("unk_token", "w0");
        try {
            AtomicFileWriter.unprotected().writeBytes(file, json.writeValueAsBytes(root));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code tokens} random words {@code w<id>} (ids uniform in [1, vocab)), one document, seeded. */
    static Path writeText(Path file, long tokens, int vocab) {
        SplittableRandom rnd = new SplittableRandom(TEXT_SEED);
        StringBuilder b = new StringBuilder((int) Math.min(Integer.MAX_VALUE - 8, tokens * 7));
        for (long i = 0; i < tokens; i++) {
            b.append(i == 0 ? "" : (i % 16 == 0 ? "\n" : " ")).append('w').append(rnd.nextInt(1, vocab));
        }
        dev.rankscope.engine.io.AtomicFileWriter.unprotected().writeBytes(file,
                b.append('\n').toString().getBytes(StandardCharsets.UTF_8));
        return file;
    }

    static String loadAverage() {
        double l = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return l < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", l);
    }

    private static long size(Path f) {
        try {
            return Files.size(f);
        } catch (IOException e) {
            return -1;
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException ignored) {
            // a temporary folder left behind is harmless
        }
    }
}
