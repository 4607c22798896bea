package dev.rankscope.application.model;

import dev.rankscope.analysis.allocation.ToolInfo;
import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.runtime.FloatMatrix;
import dev.rankscope.runtime.ForwardMonitor;
import dev.rankscope.runtime.ForwardOptions;
import dev.rankscope.runtime.LinearInputObserver;
import dev.rankscope.runtime.LinearModule;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.ModelRuntime;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Calibrate (issue "Model in the loop" §2): runs a model over a text and writes, for every linear
 * module a plan can compress, the SPEC §4/§8 statistics ({@code <module>.input_gram} n×n
 * accumulated in float64, {@code <module>.input_absmean}, {@code <module>.tokens}) with
 * {@code __metadata__} naming the model's identity, the text's SHA-256, the window length, the
 * token count and the tool version. Modules that read the same input (q/k/v, gate/up) share their
 * statistics; a fused module ({@code c_attn}) is one module, so its parts share them too.
 *
 * <p>All windows go through the model as one batch, layer by layer (the runtime streams
 * weights), and each finished layer's Grams move to a temporary file beside the output, so memory
 * stays at one layer's Grams plus the batch's activations. The file is written atomically; a
 * failure or a cancel leaves neither it nor a temporary file.
 */
public final class CalibrateJob implements Job<CalibrateParameters, CalibrateResult> {

    /** Metadata keys of the statistics file. */
    public static final String META_FORMAT = "format";
    public static final String FORMAT = "rankscope-calibration";
    public static final String META_MODEL = "model";
    public static final String META_MODEL_IDENTITY = "model_identity";
    public static final String META_TEXT = "text";
    public static final String META_TEXT_SHA256 = "text_sha256";
    public static final String META_SEQ_LEN = "seq_len";
    public static final String META_TOKENS = "tokens";
    public static final String META_TOOL = "tool";

    @Override
    public String name() {
        return "calibrate";
    }

    @Override
    public JobTask<CalibrateResult> task(CalibrateParameters p) {
        return new CalibrateTask(p);
    }

    /** One calibration run. */
    static final class CalibrateTask extends JobTask<CalibrateResult> {
        private final CalibrateParameters p;

        CalibrateTask(CalibrateParameters p) {
            super("Calibrate " + p.model().getFileName());
            this.p = p;
        }

        @Override
        protected CalibrateResult compute() {
            return CalibrateJob.run(p, this, dev.rankscope.engine.io.ProtectedInputs.writer(List.of(p.model(), p.text())));
        }

        void remark(String text) {
            note(text);
        }
    }

    static CalibrateResult run(CalibrateParameters p, CalibrateTask task, AtomicFileWriter files) {
        long start = System.nanoTime();
        files.checkAllowed(p.out());
        task.progress(0, "reading " + p.text().getFileName());
        TextDocuments text = TextDocuments.read(p.text());
        try (ModelFolder folder = ModelFolder.open(p.model())) {
            ModelRuntime runtime = ModelRuntime.of(folder);
            int seqLen = effectiveSeqLen(p.seqLen(), folder, task::remark);
            int[] ids = ModelTexts.tokens(folder.tokenizer(), text);
            List<int[]> windows = TokenWindows.split(ids, seqLen, p.maxTokens(), p.text().toString());
            long tokens = windows.stream().mapToLong(w -> w.length).sum();
            if (ids.length > tokens) {
                task.remark("used the first " + tokens + " of the text's " + ids.length + " tokens (--max-tokens)");
            }
            task.checkCancelled();
            Path spill = p.out().toAbsolutePath().getParent();
            try {
                java.nio.file.Files.createDirectories(spill);
            } catch (java.io.IOException e) {
                throw new ModelInputException(p.out() + ": its folder cannot be created (" + e.getClass().getSimpleName() + ")");
            }
            checkDiskRoom(p.out(), runtime.linearModules(), usableBytes(spill));
            try (InputStatistics stats = new InputStatistics(spill)) {
                LinearInputObserver observer = new LinearInputObserver() {
                    @Override
                    public void observe(List<LinearModule> modules, FloatMatrix input) {
                        LinearModule first = modules.get(0);
                        stats.observe(first.name(), first.inputGroup(), first.layer(), input.data(), 0, input.rows(),
                                input.cols());
                        for (LinearModule m : modules.subList(1, modules.size())) {
                            stats.share(m.name(), first.inputGroup());
                        }
                    }

                    @Override
                    public void layerFinished(int layer) {
                        stats.finishLayer(layer);
                    }
                };
                ForwardMonitor monitor = ForwardMonitor.of((f, msg) -> task.progress(0.05 + 0.85 * f, msg),
                        task::checkCancelled);
                runtime.forward(windows, ForwardOptions.defaults().withObserver(observer).withMonitor(monitor));
                task.checkCancelled();
                Map<String, String> meta = new LinkedHashMap<>();
                meta.put(META_FORMAT, FORMAT);
                meta.put(META_MODEL, folder.path().toString());
                meta.put(META_MODEL_IDENTITY, ModelTexts.identity(folder));
                meta.put(META_TEXT, p.text().toString());
                meta.put(META_TEXT_SHA256, text.sha256());
                meta.put(META_SEQ_LEN, Integer.toString(seqLen));
                meta.put(META_TOKENS, Long.toString(tokens));
                ToolInfo tool = ToolInfo.rankscope("runtime");
                meta.put(META_TOOL, tool.name() + " " + tool.version());
                List<String> modules = stats.modules();
                int total = modules.size() * 3;
                stats.write(p.out(), files, meta, (index, count, tensor) -> {
                    task.checkCancelled();
                    task.progress(0.9 + 0.1 * index / Math.max(1, total), "writing " + tensor.name());
                });
                return new CalibrateResult(p.out(), modules, tokens, windows.size(), text.sha256(), seqLen,
                        (System.nanoTime() - start) / 1e9);
            }
        }
    }

    /**
     * Bytes the statistics of {@code modules} need on disk at the peak of a run: the file's tensors
     * (per module an n×n and an n float64 array and a count; the header aside) plus the largest
     * Gram, whose spill file can still exist while the file is being written (see
     * {@link InputStatistics#write}). Modules sharing an input are counted per module, as written.
     */
    static long statisticsDiskBytes(List<LinearModule> modules) {
        long file = 0;
        long largestGram = 0;
        for (LinearModule m : modules) {
            long n = m.inFeatures();
            file = Math.addExact(file, (n * n + n + 1) * Double.BYTES);
            largestGram = Math.max(largestGram, n * n * Double.BYTES);
        }
        return file + largestGram;
    }

    /**
     * Refuses, before any forward pass, a run whose statistics cannot fit in {@code usable} bytes:
     * a Llama-2-7B-shaped model's statistics take 57 GB, and finding out after an hour is no help.
     */
    static void checkDiskRoom(Path out, List<LinearModule> modules, long usable) {
        long need = statisticsDiskBytes(modules);
        if (usable >= 0 && usable < need) {
            Path folder = out.toAbsolutePath().getParent();
            throw new ModelInputException(out + ": the statistics of " + modules.size() + " modules need "
                    + gigabytes(need) + " of free disk in " + folder + ", and only " + gigabytes(usable)
                    + " are free there; write --out to a disk with more room");
        }
    }

    private static String gigabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    /** Usable bytes of {@code folder}'s file store, or -1 when the system cannot tell. */
    private static long usableBytes(Path folder) {
        try {
            return java.nio.file.Files.getFileStore(folder).getUsableSpace();
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** {@code requested}, capped by the model's learned positions (with a note). */
    static int effectiveSeqLen(int requested, ModelFolder folder, java.util.function.Consumer<String> note) {
        int max = folder.config().maxPositions();
        if (max > 0 && requested > max) {
            note.accept("--seq-len " + requested + " is longer than the model's " + max + " positions; using " + max);
            return max;
        }
        return requested;
    }
}
