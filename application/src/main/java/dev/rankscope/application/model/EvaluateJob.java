package dev.rankscope.application.model;

import dev.rankscope.analysis.allocation.ActivationError;
import dev.rankscope.analysis.allocation.ModuleStatistics;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.plan.PlanJson;
import dev.rankscope.application.job.Job;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorSource;
import dev.rankscope.runtime.FloatMatrix;
import dev.rankscope.runtime.ForwardMonitor;
import dev.rankscope.runtime.ForwardOptions;
import dev.rankscope.runtime.ForwardResult;
import dev.rankscope.runtime.LinearModule;
import dev.rankscope.runtime.LinearReplacement;
import dev.rankscope.runtime.ModelFolder;
import dev.rankscope.runtime.ModelRuntime;
import dev.rankscope.runtime.WeightOverride;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Evaluate (issue "Model in the loop" §3): the original model's quality on a text and, with a
 * plan or a factorised file, the compressed model's next to it.
 * <ul>
 *   <li>Causal LMs: perplexity over non-overlapping windows (SPEC §8), mean NLL, tokens scored;
 *       with a compression also mean KL(original ‖ compressed) and top-1 agreement at the same
 *       positions. Windows run in chunks so that one chunk's logits stay under
 *       {@link #LOGITS_BUDGET_FLOATS}; each chunk runs through the original, then the
 *       compressed model.</li>
 *   <li>Encoders: one sentence per non-empty line, pooled embeddings; with a compression the
 *       cosine of each sentence's compressed vs original embedding (mean, min, 5th percentile).</li>
 * </ul>
 * The compressed model is built by {@link CompressedModel} (the plan's own export). With
 * statistics, the activation-space error of the compression is computed from the Gram matrices
 * (SPEC §8). {@code dumpOutputs} writes the original model's outputs (layout in the issue).
 */
public final class EvaluateJob implements Job<EvaluateParameters, EvaluateResult> {
    /** Largest number of logits floats one chunk of windows may hold (256 MB). */
    static final long LOGITS_BUDGET_FLOATS = 1L << 26;
    /** Sentences per encoder forward pass. */
    static final int SENTENCES_PER_PASS = 256;

    private final SvdBackend backend;

    public EvaluateJob() {
        this(Backends.select(Backends.Preference.AUTO));
    }

    public EvaluateJob(SvdBackend backend) {
        this.backend = backend;
    }

    @Override
    public String name() {
        return "evaluate";
    }

    @Override
    public JobTask<EvaluateResult> task(EvaluateParameters p) {
        return new EvaluateTask(p, backend);
    }

    /** One evaluation run. */
    static final class EvaluateTask extends JobTask<EvaluateResult> {
        private final EvaluateParameters p;
        private final SvdBackend backend;

        EvaluateTask(EvaluateParameters p, SvdBackend backend) {
            super("Evaluate " + p.model().getFileName());
            this.p = p;
            this.backend = backend;
        }

        @Override
        protected EvaluateResult compute() {
            long start = System.nanoTime();
            List<Path> inputs = new ArrayList<>(List.of(p.model(), p.text()));
            for (Path x : Arrays.asList(p.plan(), p.factorized(), p.statistics(), p.quantized(), p.adapter())) {
                if (x != null) {
                    inputs.add(x);
                }
            }
            AtomicFileWriter files = dev.rankscope.engine.io.ProtectedInputs.writer(inputs);
            if (p.dumpOutputs() != null) {
                files.checkAllowed(p.dumpOutputs());
            }
            progress(0, "reading " + p.text().getFileName());
            TextDocuments text = TextDocuments.read(p.text());
            try (ModelFolder folder = ModelFolder.open(p.model())) {
                ModelRuntime runtime = ModelRuntime.of(folder);
                CompressedModel compressed = compressed(folder);
                ActivationErrors act = compressed == null || p.statistics() == null ? null
                        : new ActivationErrors(folder, compressed);
                EvaluateResult.ActivationSpaceError error = act == null ? null : act.compute(p.statistics());
                EvaluateResult r = folder.config().architecture().isCausal()
                        ? causal(folder, runtime, text, compressed, error, files)
                        : encoder(folder, runtime, text, compressed, error, files);
                return withSeconds(r, (System.nanoTime() - start) / 1e9);
            }
        }

        private CompressedModel compressed(ModelFolder folder) {
            if (p.plan() != null) {
                progress(0.02, "building the compressed model from " + p.plan().getFileName());
                Plan plan = PlanJson.read(p.plan());
                CompressedModel cm = CompressedModel.fromPlan(plan, p.plan(), folder, p.statistics(), backend,
                        (i, n, t) -> checkCancelled());
                note(cm.factorisedModules() + " modules run as low-rank factors (" + plan.strategyName()
                        + (plan.isDataAware() ? ", data-aware " + plan.dataAware().method() : ", weights only") + ")");
                return cm;
            }
            if (p.quantized() != null) {
                progress(0.02, "reading the quantized weights of " + p.quantized().getFileName());
                CompressedModel cm = CompressedModel.fromQuantized(p.quantized(), p.adapter(), folder, module -> true,
                        p.adapterRank() == 0 ? Integer.MAX_VALUE : p.adapterRank());
                note(cm.factorisedModules() + " modules and " + cm.embeddingTables().size() + " embedding tables run with"
                        + " the quantized weights of " + p.quantized().getFileName()
                        + (p.adapter() == null ? "" : " + the compensation of " + p.adapter().getFileName())
                        + (p.adapterRank() == 0 ? "" : " cut to rank " + p.adapterRank()));
                return cm;
            }
            if (p.factorized() != null) {
                CompressedModel cm = CompressedModel.fromFactorised(p.factorized(), folder, true);
                note(cm.factorisedModules() + " modules run as low-rank factors from " + p.factorized().getFileName());
                return cm;
            }
            return null;
        }

        private String compression() {
            if (p.quantized() != null) {
                return p.quantized() + (p.adapter() == null ? "" : " + " + p.adapter())
                        + (p.adapterRank() == 0 ? "" : " (rank " + p.adapterRank() + ")");
            }
            return p.plan() != null ? p.plan().toString() : p.factorized() != null ? p.factorized().toString() : "";
        }

        private EvaluateResult causal(ModelFolder folder, ModelRuntime runtime, TextDocuments text,
                                      CompressedModel compressed, EvaluateResult.ActivationSpaceError error,
                                      AtomicFileWriter files) {
            int seqLen = CalibrateJob.effectiveSeqLen(p.seqLen(), folder, this::note);
            int[] ids = ModelTexts.tokens(folder.tokenizer(), text);
            List<int[]> windows = TokenWindows.split(ids, seqLen, p.maxTokens(), p.text().toString());
            int vocab = folder.config().vocabSize();
            int perChunk = (int) Math.max(1, Math.min(windows.size(), LOGITS_BUDGET_FLOATS / ((long) seqLen * vocab)));
            NextTokenScores orig = new NextTokenScores();
            NextTokenScores comp = compressed == null ? null : new NextTokenScores();
            long tokens = 0;
            Dump dump = p.dumpOutputs() == null ? null : new Dump();
            for (int c = 0; c < windows.size(); c += perChunk) {
                List<int[]> chunk = windows.subList(c, Math.min(windows.size(), c + perChunk));
                double f0 = (double) c / windows.size();
                double f1 = (double) Math.min(windows.size(), c + perChunk) / windows.size();
                float[][] logits = new float[chunk.size()][];
                for (int s = 0; s < chunk.size(); s++) {
                    logits[s] = new float[chunk.get(s).length * vocab];
                }
                boolean first = c == 0;
                ForwardResult fr = runtime.forward(chunk, ForwardOptions.defaults()
                        .withMonitor(monitor(f0, compressed == null ? f1 : (f0 + f1) / 2, "original"))
                        .withLastHidden(first && dump != null)
                        .withLogits((s, pos, block) -> {
                            System.arraycopy(block.data(), 0, logits[s], pos * vocab, block.rows() * vocab);
                            orig.add(block, pos, chunk.get(s));
                        }));
                tokens += fr.tokens();
                if (first && dump != null) {
                    dump.causal(chunk.get(0), logits[0], vocab, fr.lastHidden().get(0));
                }
                if (compressed != null) {
                    runtime.forward(chunk, ForwardOptions.defaults().withWeights(compressed.override())
                            .withMonitor(monitor((f0 + f1) / 2, f1, "compressed"))
                            .withLogits((s, pos, block) -> {
                                comp.add(block, pos, chunk.get(s));
                                FloatMatrix o = new FloatMatrix(block.rows(), vocab,
                                        Arrays.copyOfRange(logits[s], pos * vocab, (pos + block.rows()) * vocab));
                                comp.compare(o, block, pos, chunk.get(s).length);
                            }));
                }
            }
            if (dump != null) {
                dump.write(p.dumpOutputs(), files, this);
            }
            return new EvaluateResult("causal-lm", folder.path().toString(), text.sha256(), seqLen, windows.size(), tokens,
                    EvaluateResult.Quality.of(orig), comp == null ? null : EvaluateResult.Quality.of(comp),
                    comp == null ? Double.NaN : comp.meanKl(), comp == null ? Double.NaN : comp.top1Agreement(), null,
                    compression(), compressed == null ? 0 : compressed.factorisedModules(), error, 0);
        }

        private EvaluateResult encoder(ModelFolder folder, ModelRuntime runtime, TextDocuments text,
                                       CompressedModel compressed, EvaluateResult.ActivationSpaceError error,
                                       AtomicFileWriter files) {
            List<String> sentences = text.sentences();
            List<int[]> ids = new ArrayList<>();
            for (String s : sentences) {
                ids.add(folder.tokenizer().encode(s, true));
            }
            Dump dump = p.dumpOutputs() == null ? null : new Dump();
            List<Double> cosines = new ArrayList<>();
            long tokens = 0;
            int h = folder.config().hidden();
            float[] pooledAll = dump == null ? null : new float[sentences.size() * h];
            for (int c = 0; c < ids.size(); c += SENTENCES_PER_PASS) {
                List<int[]> chunk = ids.subList(c, Math.min(ids.size(), c + SENTENCES_PER_PASS));
                double f0 = (double) c / ids.size();
                double f1 = (double) Math.min(ids.size(), c + SENTENCES_PER_PASS) / ids.size();
                ForwardResult o = runtime.forward(chunk, ForwardOptions.defaults().withLastHidden(dump != null)
                        .withMonitor(monitor(f0, compressed == null ? f1 : (f0 + f1) / 2, "original")));
                tokens += o.tokens();
                if (dump != null) {
                    for (int s = 0; s < chunk.size(); s++) {
                        dump.encoderSentence(c + s, chunk.get(s), o.lastHidden().get(s));
                    }
                    System.arraycopy(o.pooled().data(), 0, pooledAll, c * h, chunk.size() * h);
                }
                if (compressed != null) {
                    ForwardResult q = runtime.forward(chunk, ForwardOptions.defaults().withWeights(compressed.override())
                            .withMonitor(monitor((f0 + f1) / 2, f1, "compressed")));
                    for (int s = 0; s < chunk.size(); s++) {
                        cosines.add(cosine(o.pooled().row(s), q.pooled().row(s)));
                    }
                }
            }
            if (dump != null) {
                dump.pooled(pooledAll, sentences.size(), h);
                dump.write(p.dumpOutputs(), files, this);
            }
            EvaluateResult.Cosine cos = cosines.isEmpty() ? null : cosineSummary(cosines);
            return new EvaluateResult("encoder", folder.path().toString(), text.sha256(), 0, sentences.size(), tokens,
                    null, null, Double.NaN, Double.NaN, cos, compression(),
                    compressed == null ? 0 : compressed.factorisedModules(), error, 0);
        }

        private ForwardMonitor monitor(double from, double to, String which) {
            return ForwardMonitor.of((f, msg) -> progress(0.05 + 0.95 * (from + (to - from) * f), which + ": " + msg),
                    this::checkCancelled);
        }

        void remark(String text) {
            note(text);
        }
    }

    private static EvaluateResult withSeconds(EvaluateResult r, double seconds) {
        return new EvaluateResult(r.kind(), r.model(), r.textSha256(), r.seqLen(), r.windows(), r.tokens(), r.original(),
                r.compressed(), r.meanKl(), r.top1Agreement(), r.cosine(), r.compression(), r.factorisedModules(),
                r.activationError(), seconds);
    }

    /** cos(a, b) in float64. */
    static double cosine(float[] a, float[] b) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? (aa == bb ? 1 : 0) : ab / Math.sqrt(aa * bb);
    }

    /** Mean, min and 5th percentile (numpy's linear interpolation) of the cosines. */
    static EvaluateResult.Cosine cosineSummary(List<Double> values) {
        double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double mean = Arrays.stream(v).average().orElse(Double.NaN);
        double pos = 0.05 * (v.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(v.length - 1, lo + 1);
        double p5 = v[lo] + (v[hi] - v[lo]) * (pos - lo);
        return new EvaluateResult.Cosine(mean, v[0], p5, v.length);
    }

    /** The activation-space error of the compressed modules from the statistics' Gram matrices. */
    private static final class ActivationErrors {
        private final ModelFolder folder;
        private final CompressedModel compressed;

        ActivationErrors(ModelFolder folder, CompressedModel compressed) {
            this.folder = folder;
            this.compressed = compressed;
        }

        EvaluateResult.ActivationSpaceError compute(Path statistics) {
            List<EvaluateResult.ModuleError> modules = new ArrayList<>();
            double num = 0;
            double den = 0;
            try (TensorSource stats = Checkpoints.open(statistics)) {
                for (LinearModule m : ModelRuntime.of(folder).linearModules()) {
                    LinearReplacement r = compressed.replacement(m.name()).orElse(null);
                    if (r == null) {
                        continue;
                    }
                    ModuleStatistics ms = ModuleStatistics.read(stats, m.name());
                    if (ms == null || ms.inputGram() == null) {
                        continue;
                    }
                    if (ms.inputGram().rows() != m.inFeatures()) {
                        throw new ModelInputException(statistics + ": statistics of " + m.name() + " are for "
                                + ms.inputGram().rows() + " inputs, but the module has " + m.inFeatures()
                                + " (statistics of another model?)");
                    }
                    Matrix w = orient(m, folder.weights().readDouble(m.weightName()));
                    Matrix wc = orient(m, storedValues(r));
                    ActivationError.Energies e = ActivationError.energies(w, wc, ms.inputGram());
                    num += e.discarded();
                    den += e.total();
                    modules.add(new EvaluateResult.ModuleError(m.name(),
                            e.total() > 0 ? Math.sqrt(e.discarded() / e.total()) : 0));
                }
            }
            return modules.isEmpty() ? null
                    : new EvaluateResult.ActivationSpaceError(den > 0 ? Math.sqrt(num / den) : 0, modules);
        }

        /** The (out, in) matrix of a module from its stored values. */
        private static Matrix orient(LinearModule m, double[] stored) {
            Matrix s = new Matrix(m.storedRows(), m.storedCols(), stored);
            return m.storedInOut() ? s.transpose() : s;
        }

        /** The replacement's stored matrix: U·V of factors, the values of a dense one. */
        private static double[] storedValues(LinearReplacement r) {
            if (r instanceof LinearReplacement.Dense d) {
                double[] out = new double[d.values().length];
                for (int i = 0; i < out.length; i++) {
                    out[i] = d.values()[i];
                }
                return out;
            }
            LinearReplacement.LowRank lr = (LinearReplacement.LowRank) r;
            double[] out = new double[lr.rows() * lr.cols()];
            for (int i = 0; i < lr.rows(); i++) {
                for (int t = 0; t < lr.rank(); t++) {
                    double u = lr.u()[i * lr.rank() + t];
                    for (int j = 0; j < lr.cols(); j++) {
                        out[i * lr.cols() + j] += u * lr.v()[t * lr.cols() + j];
                    }
                }
            }
            return out;
        }
    }

    /** The {@code --dump-outputs} file (issue §3 layout), float32 with ids as I64. */
    private static final class Dump {
        private final SafetensorsWriter writer = new SafetensorsWriter();

        void causal(int[] ids, float[] logits, int vocab, FloatMatrix hidden) {
            ids(0, ids);
            writer.add("logits.0", DType.F32, new long[] {ids.length, vocab}, sink -> put(sink, logits));
            hidden(0, hidden);
        }

        void encoderSentence(int i, int[] ids, FloatMatrix hidden) {
            ids(i, ids);
            hidden(i, hidden);
        }

        void pooled(float[] values, int sentences, int h) {
            writer.add("pooled", DType.F32, new long[] {sentences, h}, sink -> put(sink, values));
        }

        private void ids(int i, int[] ids) {
            writer.add("input_ids." + i, DType.I64, new long[] {ids.length}, sink -> {
                for (int id : ids) {
                    sink.put(id);
                }
            });
        }

        private void hidden(int i, FloatMatrix h) {
            float[] copy = h.data().clone();
            writer.add("last_hidden_state." + i, DType.F32, new long[] {h.rows(), h.cols()}, sink -> put(sink, copy));
        }

        private static void put(SafetensorsWriter.ElementSink sink, float[] values) throws java.io.IOException {
            double[] buf = new double[Math.min(values.length, 1 << 16)];
            for (int off = 0; off < values.length; off += buf.length) {
                int n = Math.min(buf.length, values.length - off);
                for (int i = 0; i < n; i++) {
                    buf[i] = values[off + i];
                }
                sink.put(buf, 0, n);
            }
        }

        void write(Path target, AtomicFileWriter files, EvaluateTask task) {
            writer.metadata("format", "rankscope-outputs");
            writer.write(target, files, (i, n, t) -> task.checkCancelled());
        }
    }
}
