package dev.rankscope.views.testing;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.task.AbstractTask;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.application.workbench.AnalysisSettings;
import dev.rankscope.application.workbench.AnalysisSink;
import dev.rankscope.application.workbench.CacheControl;
import dev.rankscope.application.workbench.MatrixEntry;
import dev.rankscope.application.workbench.OpenedCheckpoint;
import dev.rankscope.application.workbench.WorkbenchServices;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;

/**
 * A {@link WorkbenchServices} for view tests: "opens" any path whose file name does not contain
 * {@code corrupt} as a tiny Llama-like model ({@link #layers} blocks of q/k/v/o/gate/up/down plus
 * embeddings and lm_head, 1-D norms listed but not analysed), and analyses it with synthetic
 * power-law spectra σᵢ = 10·i^(−β). Knobs: a semaphore gate (one permit per matrix) to hold a
 * task running, a hook before each matrix, and ids that fail.
 */
public final class FakeWorkbenchServices implements WorkbenchServices {
    public static final int HIDDEN = 32;
    public static final int FFN = 64;
    public static final int VOCAB = 96;

    public int layers = 3;
    /** When set, each matrix waits for one permit (released by the test). */
    public volatile Semaphore gate;
    /** Called with the index of each matrix before it is analysed. */
    public volatile IntConsumer beforeMatrix = i -> { };
    /** Matrix ids reported as failures. */
    public volatile Set<String> failing = Set.of();
    public final List<Path> opened = new CopyOnWriteArrayList<>();
    public final List<AbstractTask> tasks = new CopyOnWriteArrayList<>();
    /** When true, {@link #quickAnalyze} offers a quick pass of top-{@link #QUICK_K} approximate analyses. */
    public volatile boolean quickPass;
    public static final int QUICK_K = 8;
    /** Quick-pass tasks created, in order. */
    public final List<AbstractTask> quickTasks = new CopyOnWriteArrayList<>();
    /** The sinks given to quick passes (tests may deliver late approximate results through them). */
    public final List<AnalysisSink> quickSinks = new CopyOnWriteArrayList<>();
    /** The spectrum cache the settings window shows; none when null. */
    public volatile CacheControl cacheControl;
    /** Every {@link #configure} call, in order. */
    public final List<AnalysisSettings> configured = new CopyOnWriteArrayList<>();

    /** Records the settings; analyses with non-default metrics then go through the real {@link Analyzer}. */
    @Override
    public void configure(AnalysisSettings settings) {
        configured.add(settings);
    }

    /** The views each {@link #open} was asked for, in call order. */
    public final List<dev.rankscope.application.workbench.MatrixViews> openedWith =
            java.util.Collections.synchronizedList(new java.util.ArrayList<>());

    @Override
    public OpenedCheckpoint open(Path path, dev.rankscope.application.workbench.MatrixViews views) {
        openedWith.add(views);
        String name = path.getFileName() == null ? path.toString() : path.getFileName().toString();
        if (name.contains("corrupt")) {
            throw new CheckpointFormatException(path, CheckpointFormatException.Category.MALFORMED_HEADER,
                    "header is not valid JSON (unexpected character at byte 9)");
        }
        opened.add(path);
        List<TensorInfo> tensors = new ArrayList<>();
        List<MatrixEntry> entries = new ArrayList<>();
        add(path, tensors, entries, "model.embed_tokens.weight", -1, ModuleType.EMBED, VOCAB, HIDDEN);
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            tensors.add(new TensorInfo(p + "input_layernorm.weight", DType.F32, new long[]{HIDDEN}, HIDDEN * 4L));
            add(path, tensors, entries, p + "self_attn.q_proj.weight", l, ModuleType.Q, HIDDEN, HIDDEN);
            add(path, tensors, entries, p + "self_attn.k_proj.weight", l, ModuleType.K, HIDDEN / 2, HIDDEN);
            add(path, tensors, entries, p + "self_attn.v_proj.weight", l, ModuleType.V, HIDDEN / 2, HIDDEN);
            add(path, tensors, entries, p + "self_attn.o_proj.weight", l, ModuleType.O, HIDDEN, HIDDEN);
            add(path, tensors, entries, p + "mlp.gate_proj.weight", l, ModuleType.GATE, FFN, HIDDEN);
            add(path, tensors, entries, p + "mlp.up_proj.weight", l, ModuleType.UP, FFN, HIDDEN);
            add(path, tensors, entries, p + "mlp.down_proj.weight", l, ModuleType.DOWN, HIDDEN, FFN);
        }
        tensors.add(new TensorInfo("model.norm.weight", DType.F32, new long[]{HIDDEN}, HIDDEN * 4L));
        add(path, tensors, entries, "lm_head.weight", -1, ModuleType.LM_HEAD, VOCAB, HIDDEN);
        return new OpenedCheckpoint(path, "safetensors", tensors, entries, Map.of("format", "pt"), () -> { });
    }

    private static void add(Path cp, List<TensorInfo> tensors, List<MatrixEntry> entries, String name, int layer,
                            ModuleType module, int rows, int cols) {
        tensors.add(new TensorInfo(name, DType.BF16, new long[]{rows, cols}, rows * (long) cols * 2));
        entries.add(new MatrixEntry(cp, MatrixRef.whole(name, rows, cols),
                new MatrixName(name, layer, module, name.substring(0, name.length() - ".weight".length())), DType.BF16));
    }

    /** The synthetic spectrum of a matrix: σᵢ = 10·i^(−β), β from 0.3 to 1.2 by module and layer. */
    public static double[] sigma(MatrixEntry e) {
        int p = e.fullRank();
        double beta = 0.3 + 0.1 * e.name().module().ordinal() % 0.9 + 0.05 * Math.max(0, e.name().layer());
        double[] s = new double[p];
        for (int i = 0; i < p; i++) {
            s[i] = 10 * Math.pow(i + 1, -beta);
        }
        return s;
    }

    @Override
    public AbstractTask analyze(OpenedCheckpoint checkpoint, List<MatrixEntry> matrices, AnalysisSink sink) {
        AbstractTask task = new AbstractTask("Spectra of " + checkpoint.displayName()) {
            @Override
            protected void work() {
                int n = matrices.size();
                progress(0, "0 of " + n + " matrices");
                for (int i = 0; i < n; i++) {
                    beforeMatrix.accept(i);
                    Semaphore g = gate;
                    if (g != null) {
                        try {
                            g.acquire();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            cancel();
                        }
                    }
                    checkCancelled();
                    MatrixEntry e = matrices.get(i);
                    if (failing.contains(e.id())) {
                        sink.onFailure(e.ref(), new RankscopeException(e.id() + ": weights contain NaN"));
                    } else {
                        sink.onMatrix(analysis(e));
                    }
                    progress((i + 1.0) / n, (i + 1) + " of " + n + " matrices");
                }
            }
        };
        tasks.add(task);
        return task;
    }

    /** The synthetic stand-in under the default metrics, else the real analysis with the configured ones. */
    private MatrixAnalysis analysis(MatrixEntry e) {
        AnalysisParameters metrics = configured.isEmpty() ? AnalysisParameters.DEFAULT
                : configured.get(configured.size() - 1).metrics();
        if (metrics.equals(AnalysisParameters.DEFAULT)) {
            return TestAnalyses.of(e, sigma(e));
        }
        return Analyzer.analyze(e.name(), e.dtype(),
                new Spectrum(e.ref(), sigma(e), SvdMethod.GESDD, Precision.F64, false, 0), metrics);
    }

    @Override
    public EngineInfo engineInfo() {
        return new EngineInfo("java", "fake engine", "n/a", 1, "");
    }

    /** The approximate (top-{@link #QUICK_K}) analysis the fake quick pass sends for {@code e}. */
    public static MatrixAnalysis approximate(MatrixEntry e) {
        double[] top = java.util.Arrays.copyOf(sigma(e), Math.min(QUICK_K, e.fullRank()));
        return Analyzer.analyze(e.name(), e.dtype(),
                new Spectrum(e.ref(), top, SvdMethod.RANDOMIZED, Precision.F64, true, 0));
    }

    @Override
    public Optional<CacheControl> cache() {
        return Optional.ofNullable(cacheControl);
    }

    @Override
    public Optional<AbstractTask> quickAnalyze(OpenedCheckpoint checkpoint, List<MatrixEntry> matrices, AnalysisSink sink) {
        if (!quickPass) {
            return Optional.empty();
        }
        quickSinks.add(sink);
        AbstractTask task = new AbstractTask("Quick preview of " + checkpoint.displayName()) {
            @Override
            protected void work() {
                for (int i = 0; i < matrices.size(); i++) {
                    checkCancelled();
                    sink.onMatrix(approximate(matrices.get(i)));
                    progress((i + 1.0) / matrices.size(), (i + 1) + " of " + matrices.size());
                }
            }
        };
        quickTasks.add(task);
        return Optional.of(task);
    }
}
