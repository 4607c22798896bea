package dev.rankscope.application.compensate;

import dev.rankscope.analysis.intruders.Pairing;
import dev.rankscope.analysis.naming.MatrixName;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.quant.CompensationAdapter;
import dev.rankscope.analysis.quant.EoraProjection;
import dev.rankscope.analysis.quant.ErrorSpace;
import dev.rankscope.analysis.quant.LowRankCompensation;
import dev.rankscope.analysis.quant.QuantErrorSpectrum;
import dev.rankscope.analysis.quant.QuantScheme;
import dev.rankscope.analysis.quant.QuantizedExport;
import dev.rankscope.analysis.quant.Quantizer;
import dev.rankscope.application.job.JobTask;
import dev.rankscope.engine.RankscopeException;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.ProtectedInputs;
import dev.rankscope.engine.io.gguf.HuggingFaceView;
import dev.rankscope.engine.linalg.Backends;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.peft.PeftAdapter;
import dev.rankscope.engine.peft.PeftAdapterConfig;
import dev.rankscope.engine.spectrum.MatrixExtractor;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * One compensate run (issue 16, SPEC §9), on the worker thread:
 * <ol>
 *   <li><b>Pairing.</b> In-tool: every 2-D float weight of the base that is not an embedding is
 *   quantized. From a file: matrices are paired by name and shape ({@link Pairing}); mismatches and
 *   one-sided names are listed in the result and the rest is analysed. The codes/scales/zero-point
 *   initializers of an int8 ONNX file are not counted as unpaired. Non-float tensors are analysed but
 *   not compensated. Embedding tables are compensated as PEFT embedding LoRA
 *   ({@code lora_embedding_A/B}) from the truncated SVD of E in weight space, with either method: a
 *   token lookup has no input activations, so EoRA has no eigenspace to project on.</li>
 *   <li><b>Statistics</b> ({@code --stats}): every compensated linear module needs {@code <module>.input_gram}
 *   of size n×n; a missing or mis-sized one is bad input naming the module, before any work.</li>
 *   <li><b>Error spectra</b>, one matrix at a time: E = W − Ŵ, σ(E), ‖E‖/‖W‖, the SPEC §1 ranks
 *   of E, and with statistics σ(E·Q·Λ^{1/2}) and ‖W·Q·Λ^{1/2}‖ ({@link EoraProjection}).</li>
 *   <li><b>Ranks</b>: one rank for all, the smallest rank meeting a target error, or the SPEC §4
 *   allocator on σ(E)/‖W‖ (σ(E')/‖W·Q·Λ^{1/2}‖ with EoRA) with minimum rank 0 and no dense option,
 *   the budget counting added LoRA parameters k(m+n). global-optimal then minimises
 *   Σ_l ‖E_l − C_l‖²/‖W_l‖² exactly.</li>
 *   <li><b>Export</b> (when an output folder is given): factors of the truncated SVD of E (or E'),
 *   the PEFT adapter ({@link CompensationAdapter}) and, for in-tool quantization, the quantized base
 *   under {@code quantized-base/} ({@link QuantizedExport}), all written into a staging folder
 *   beside the output through {@link AtomicFileWriter}.</li>
 *   <li><b>Verification</b>: the staged adapter is reopened with Rankscope's PEFT reader, every
 *   module's scaling must be exactly 1, and ‖W − (Ŵ + B·A)‖_F (Ŵ re-read from the written or the
 *   given quantized file) must equal the predicted residual to 1e-5 relative, plus the float32
 *   rounding floor 2^{−22}·‖B‖_F‖A‖_F of the stored factors. Only then are the files moved into
 *   the output folder; otherwise nothing is written and the result says which modules failed.</li>
 * </ol>
 * Cancellation is checked between matrices; a cancelled or failed run leaves no file behind.
 */
final class CompensateTask extends JobTask<CompensateResult> {
    /** Sub-folder of the output holding an in-tool quantized base. */
    static final String QUANTIZED_BASE = "quantized-base";
    private static final double VERIFY_RELATIVE = 1e-5;
    private static final double FLOAT32_FLOOR = Math.scalb(1.0, -22);
    /** Why a 2-D weight under an embeddings module that is not a lookup table is left alone. */
    static final String NOT_A_TABLE = "under an embeddings module but not a lookup table (no PEFT LoRA layer for it)";
    private static final Set<String> TABLE_NAMES = Set.of("wte", "wpe", "shared", "token_embd", "relative_attention_bias");

    private final CompensateParameters p;
    private final Function<Path, TensorSource> checkpoints;
    private final Function<Backends.Preference, SvdBackend> backends;

    /** One base matrix, its quantized counterpart (null in-tool) and whether it is compensated. */
    private record Target(MatrixRef base, MatrixRef quantized, MatrixName name, String skipReason) {
        boolean compensated() {
            return skipReason == null;
        }

        /** An embedding table: PEFT embedding LoRA, weight-space SVD, no statistics. */
        boolean embedding() {
            return name.module() == ModuleType.EMBED;
        }
    }

    CompensateTask(CompensateParameters p, Function<Path, TensorSource> checkpoints,
                   Function<Backends.Preference, SvdBackend> backends) {
        super("Compensate " + Path.of(p.base()).getFileName());
        this.p = p;
        this.checkpoints = checkpoints;
        this.backends = backends;
    }

    @Override
    protected CompensateResult compute() {
        SvdBackend backend = backends.apply(preference(p.engine()));
        QuantScheme scheme = p.scheme();
        Path basePath = Path.of(p.base());
        List<TensorSource> opened = new ArrayList<>();
        try {
            TensorSource base = open(basePath, opened);
            TensorSource quant = p.quantized() == null ? null
                    : HuggingFaceView.pairedWith(open(Path.of(p.quantized()), opened), base);
            TensorSource stats = p.stats() == null ? null : open(Path.of(p.stats()), opened);
            List<String> mismatches = new ArrayList<>();
            List<String> onlyBase = new ArrayList<>();
            List<String> onlyQuant = new ArrayList<>();
            List<Target> targets = targets(base, quant, mismatches, onlyBase, onlyQuant);
            if (p.include() != null) {
                java.util.regex.Pattern keep = java.util.regex.Pattern.compile(p.include());
                targets = targets.stream().filter(t -> keep.matcher(t.base().id()).find()).toList();
            }
            if (targets.stream().noneMatch(Target::compensated)) {
                throw new RankscopeException(describeInputs() + ": no weight matrix to compensate"
                        + (p.include() == null ? "" : " matches '" + p.include() + "'")
                        + (quant == null ? "" : " (no matrix of the quantized file pairs with a base matrix by name and shape"
                        + (onlyQuant.isEmpty() ? "" : "; unpaired: " + abbreviate(onlyQuant)) + ")"));
            }
            if (stats != null) {
                checkStatistics(stats, targets);
            }
            AtomicFileWriter files = protectingInputs(opened, basePath);
            Path out = p.out() == null ? null : Path.of(p.out()).toAbsolutePath();
            if (out != null) {
                checkOutput(out, files, scheme != null);
            }
            ErrorSpace space = p.method() == CompensateParameters.Method.EORA ? ErrorSpace.ACTIVATION : ErrorSpace.WEIGHT;
            Map<Target, QuantErrorSpectrum> spectra = spectra(base, quant, stats, scheme, targets, backend);
            Map<Target, Integer> ranks = ranks(targets, spectra, space);
            Map<Target, double[]> predicted = new HashMap<>();
            CompensationAdapter adapter = out == null ? null
                    : factors(base, quant, stats, scheme, targets, spectra, ranks, backend, predicted);
            Map<Target, Double> measured = new HashMap<>();
            List<String> written = new ArrayList<>();
            boolean verified = true;
            if (adapter != null && !adapter.isEmpty()) {
                verified = writeVerified(base, quant, scheme, targets, adapter, predicted, measured, out, files, written);
            } else if (adapter != null) {
                note("every module's compensation rank is 0: no adapter written");
            }
            return result(scheme, quant, space, targets, spectra, ranks, predicted, measured, mismatches, onlyBase,
                    onlyQuant, written, verified);
        } finally {
            opened.forEach(TensorSource::close);
        }
    }

    // ---------------------------------------------------------------- inputs

    private TensorSource open(Path path, List<TensorSource> opened) {
        TensorSource s = checkpoints.apply(path);
        opened.add(s);
        return s;
    }

    private static Backends.Preference preference(String engine) {
        return switch (engine.toLowerCase(Locale.ROOT)) {
            case "auto" -> Backends.Preference.AUTO;
            case "native" -> Backends.Preference.NATIVE;
            case "java" -> Backends.Preference.JAVA;
            default -> throw new IllegalArgumentException("unknown engine '" + engine + "' (known: auto, native, java)");
        };
    }

    private String describeInputs() {
        return fileName(p.base()) + (p.quantized() == null ? "" : " and " + fileName(p.quantized()));
    }

    private static String fileName(String path) {
        Path f = Path.of(path).getFileName();
        return f == null ? path : f.toString();
    }

    private List<Target> targets(TensorSource base, TensorSource quant, List<String> mismatches, List<String> onlyBase,
                                 List<String> onlyQuant) {
        List<Target> out = new ArrayList<>();
        if (quant == null) {
            List<String> embeddings = new ArrayList<>();
            for (TensorInfo t : base.tensors()) {
                for (MatrixRef ref : MatrixExtractor.matrices(t)) {
                    MatrixName name = NameParser.parse(ref.id());
                    if (name.module() == ModuleType.EMBED) {
                        if (isFloat(t.dtype())) {
                            embeddings.add(ref.id());
                        }
                    } else if (skipReason(t, name) == null) {
                        out.add(new Target(ref, null, name, null));
                    }
                }
            }
            if (!embeddings.isEmpty()) {
                note("embeddings stay in float: the in-tool schemes quantize linear weights only (as QLoRA does), so "
                        + abbreviate(embeddings) + (embeddings.size() == 1 ? " has" : " have")
                        + " no quantization error to compensate");
            }
            return out;
        }
        dev.rankscope.engine.io.onnx.OnnxSource.requireKnownQuantization(quant);
        Pairing pairing = Pairing.of(base, quant);
        Set<String> parts = new HashSet<>();
        String listed = quant.metadata().get("onnx.quantized_parts");
        if (listed != null) {
            parts.addAll(Arrays.asList(listed.split(", ")));
        }
        for (Pairing.ShapeMismatch m : pairing.mismatches()) {
            mismatches.add(m.name() + ": base " + m.baseShape() + ", quantized " + m.tunedShape());
        }
        onlyBase.addAll(pairing.onlyInBase());
        pairing.onlyInTuned().stream().filter(n -> !parts.contains(n)).forEach(onlyQuant::add);
        String skipped = quant.metadata().get("onnx.dequantize_skipped");
        if (skipped != null) {
            note(fileName(p.quantized()) + ": quantized initializers not understood: " + skipped);
        }
        String unmapped = quant.metadata().get(HuggingFaceView.UNMAPPED_KEY);
        if (unmapped != null) {
            note(fileName(p.quantized()) + ": " + unmapped);
        }
        String unpermuted = quant.metadata().get(HuggingFaceView.UNPERMUTED_KEY);
        if (unpermuted != null) {
            note(fileName(p.quantized()) + ": llama.cpp names mapped to Hugging Face names; q_proj/k_proj rows put back"
                    + " from llama.cpp's RoPE order (" + unpermuted + ")");
        }
        String unsupported = quant.metadata().get("onnx.skipped");
        if (unsupported != null) {
            note(fileName(p.quantized()) + ": initializers of an unsupported type (e.g. 4-bit): " + unsupported);
        }
        for (Pairing.MatrixPair pair : pairing.pairs()) {
            TensorInfo t = base.require(pair.base().tensor());
            MatrixName name = NameParser.parse(pair.base().id());
            if (!isFloat(t.dtype())) {
                continue;
            }
            out.add(new Target(pair.base(), pair.tuned(), name, skipReason(t, name)));
        }
        return out;
    }

    private static boolean isFloat(DType d) {
        return d.kind() == DType.Kind.FLOAT || d.kind() == DType.Kind.QUANTIZED;
    }

    private static String skipReason(TensorInfo t, MatrixName name) {
        if (!isFloat(t.dtype())) {
            return "not a float weight";
        }
        if (t.rank() != 2) {
            return "not a 2-D weight";
        }
        if (name.module() == ModuleType.EMBED && !isTable(name.moduleName())) {
            return NOT_A_TABLE;
        }
        return null;
    }

    /** An embedding module whose last name segment names a lookup table (…embeddings, embed_tokens, wte, …). */
    private static boolean isTable(String module) {
        String last = module.substring(module.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        return last.contains("embed") || TABLE_NAMES.contains(last);
    }

    private void checkStatistics(TensorSource stats, List<Target> targets) {
        int found = 0;
        String firstMissing = null;
        for (Target t : targets) {
            if (!t.compensated() || t.embedding()) {
                continue;
            }
            String gram = t.name().moduleName() + ".input_gram";
            var info = stats.find(gram);
            if (info.isEmpty()) {
                firstMissing = firstMissing == null ? t.name().moduleName() : firstMissing;
                continue;
            }
            found++;
            TensorInfo g = info.get();
            int n = t.base().cols();
            if (g.rank() != 2 || g.dim(0) != n || g.dim(1) != n) {
                throw new RankscopeException(fileName(p.stats()) + ": " + gram + " is " + g.shapeString() + " but "
                        + t.name().moduleName() + " has " + n + " inputs (statistics of another model?)");
            }
        }
        if (firstMissing != null) {
            throw new RankscopeException(fileName(p.stats()) + " has no " + firstMissing + ".input_gram"
                    + (found == 0 ? " nor statistics for any other module to compensate (statistics of another model?)" : ""));
        }
    }

    private AtomicFileWriter protectingInputs(List<TensorSource> opened, Path basePath) {
        List<Path> inputs = new ArrayList<>();
        inputs.add(basePath);
        if (p.quantized() != null) {
            inputs.add(Path.of(p.quantized()));
        }
        if (p.stats() != null) {
            inputs.add(Path.of(p.stats()));
        }
        opened.forEach(s -> inputs.addAll(ProtectedInputs.of(s)));
        return ProtectedInputs.writer(inputs);
    }

    private static void checkOutput(Path out, AtomicFileWriter files, boolean inTool) {
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw new RankscopeException(out + " exists and is not a folder; the adapter needs an output folder");
        }
        for (Path f : outputFiles(out, inTool)) {
            files.checkAllowed(f);
        }
    }

    private static List<Path> outputFiles(Path folder, boolean inTool) {
        List<Path> f = new ArrayList<>(List.of(folder.resolve(PeftAdapterConfig.FILE_NAME),
                folder.resolve(CompensationAdapter.WEIGHTS)));
        if (inTool) {
            f.add(folder.resolve(QUANTIZED_BASE).resolve(QuantizedExport.MODEL));
            f.add(folder.resolve(QUANTIZED_BASE).resolve(QuantizedExport.CODES));
        }
        return f;
    }

    // ---------------------------------------------------------------- error spectra

    /** W, Ŵ and E of one target. */
    private record Triple(Matrix w, Matrix wHat, Matrix e) { }

    private Triple read(TensorSource base, TensorSource quant, QuantScheme scheme, Target t) {
        Matrix w = MatrixReader.read(base, t.base());
        Matrix wHat = quant == null ? Quantizer.quantize(w, scheme).dequantized() : MatrixReader.read(quant, t.quantized());
        if (!w.isFinite() || !wHat.isFinite()) {
            throw new RankscopeException(t.base().id() + " has NaN or infinite weights in the "
                    + (w.isFinite() ? "quantized" : "base") + " model");
        }
        double[] e = new double[w.data().length];
        for (int i = 0; i < e.length; i++) {
            e[i] = w.data()[i] - wHat.data()[i];
        }
        return new Triple(w, wHat, new Matrix(w.rows(), w.cols(), e));
    }

    private EoraProjection projection(TensorSource stats, Target t, SvdBackend backend) {
        if (stats == null || !t.compensated() || t.embedding()) {
            return null;
        }
        String gram = t.name().moduleName() + ".input_gram";
        int n = t.base().cols();
        try {
            return EoraProjection.of(new Matrix(n, n, stats.readDouble(gram)), p.damping(), backend);
        } catch (IllegalArgumentException e) {
            throw new RankscopeException(fileName(p.stats()) + ": " + gram + ": " + e.getMessage());
        }
    }

    private Map<Target, QuantErrorSpectrum> spectra(TensorSource base, TensorSource quant, TensorSource stats,
                                                    QuantScheme scheme, List<Target> targets, SvdBackend backend) {
        Map<Target, QuantErrorSpectrum> out = new LinkedHashMap<>();
        int i = 0;
        for (Target t : targets) {
            checkCancelled();
            progress(0.6 * i++ / targets.size(), "error spectrum of " + t.base().id());
            Triple x = read(base, quant, scheme, t);
            double[] sigma = backend.singularValues(x.e(), SvdBackend.Tolerance.DEFAULT).sigma();
            EoraProjection proj = projection(stats, t, backend);
            double actW = Double.NaN;
            double[] actSigma = null;
            if (proj != null) {
                actSigma = backend.singularValues(proj.project(x.e()), SvdBackend.Tolerance.DEFAULT).sigma();
                actW = proj.activationEnergy(x.w());
            }
            out.put(t, QuantErrorSpectrum.of(t.base().id(), t.name().moduleName(), x.w().rows(), x.w().cols(),
                    energy(x.w()), sigma, actW, actSigma));
        }
        return out;
    }

    // ---------------------------------------------------------------- ranks

    private Map<Target, Integer> ranks(List<Target> targets, Map<Target, QuantErrorSpectrum> spectra, ErrorSpace space) {
        List<Target> comp = targets.stream().filter(Target::compensated).toList();
        Map<String, Integer> byId = CompensationRanks.choose(comp.stream().map(spectra::get).toList(), p.selection(),
                p.rank(), p.keepError(), p.budget(), p.strategy(), space, this::note);
        Map<Target, Integer> ranks = new LinkedHashMap<>();
        comp.forEach(t -> ranks.put(t, byId.get(t.base().id())));
        return ranks;
    }

    // ---------------------------------------------------------------- factors, export, verification

    /**
     * Factors of every module with k ≥ 1. {@code predicted} gets, per module: [0] the predicted ‖E − C‖_F,
     * [1] the predicted activation residual energy (NaN without statistics), [2] ‖B‖_F·‖A‖_F (= Σ_{i≤k} σ_i for
     * balanced factors), which scales the float32 rounding of the stored factors.
     */
    private CompensationAdapter factors(TensorSource base, TensorSource quant, TensorSource stats, QuantScheme scheme,
                                        List<Target> targets, Map<Target, QuantErrorSpectrum> spectra,
                                        Map<Target, Integer> ranks, SvdBackend backend, Map<Target, double[]> predicted) {
        CompensationAdapter adapter = new CompensationAdapter();
        int i = 0;
        List<Target> work = targets.stream().filter(t -> ranks.getOrDefault(t, 0) > 0).toList();
        for (Target t : work) {
            checkCancelled();
            progress(0.6 + 0.25 * i++ / Math.max(1, work.size()), "compensation of " + t.base().id());
            int k = ranks.get(t);
            Triple x = read(base, quant, scheme, t);
            EoraProjection proj = projection(stats, t, backend);
            boolean eora = p.method() == CompensateParameters.Method.EORA && !t.embedding();
            LowRankCompensation c = eora ? LowRankCompensation.fromEora(backend.svd(proj.project(x.e())), k, proj)
                    : LowRankCompensation.fromSvd(backend.svd(x.e()), k);
            Matrix residual = subtract(x.e(), c.product());
            double weightResidual = eora
                    ? Math.sqrt(energy(residual)) : Math.sqrt(spectra.get(t).residualEnergy(k, ErrorSpace.WEIGHT));
            double act = proj == null ? Double.NaN
                    : eora ? spectra.get(t).residualEnergy(k, ErrorSpace.ACTIVATION) : proj.activationEnergy(residual);
            double nuclear = Math.sqrt(energy(c.loraA()) * energy(c.loraB()));
            predicted.put(t, new double[] {weightResidual, act, nuclear});
            if (t.embedding()) {
                adapter.addEmbedding(t.name().moduleName(), c);
            } else {
                adapter.add(t.name().moduleName(), c);
            }
        }
        return adapter;
    }

    private boolean writeVerified(TensorSource base, TensorSource quant, QuantScheme scheme, List<Target> targets,
                                  CompensationAdapter adapter, Map<Target, double[]> predicted, Map<Target, Double> measured,
                                  Path out, AtomicFileWriter files, List<String> written) {
        Path parent = out.getParent();
        Path staging;
        try {
            Files.createDirectories(parent);
            staging = Files.createTempDirectory(parent, "." + out.getFileName() + ".rankscope-");
        } catch (IOException e) {
            throw new RankscopeException("cannot create the output folder " + out + ": " + e.getMessage(), e.toString(), e);
        }
        try {
            progress(0.85, "writing the adapter");
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("rankscope.job", CompensateJob.NAME);
            meta.put("rankscope.parameters", dev.rankscope.application.job.JobJson.write(p).replace('\n', ' '));
            adapter.write(staging, p.base(), meta, files);
            Map<String, MatrixRef> quantized = new LinkedHashMap<>();
            if (scheme != null) {
                targets.stream().filter(Target::compensated).forEach(t -> quantized.put(t.base().tensor(), t.base()));
                QuantizedExport.write(base, quantized, scheme, staging.resolve(QUANTIZED_BASE), files,
                        (index, total, tensor) -> checkCancelled());
            }
            progress(0.92, "verifying the written adapter");
            boolean ok = verify(base, quant, staging, targets, predicted, measured);
            if (!ok) {
                return false;
            }
            for (Path f : outputFiles(out, scheme != null)) {
                Path from = staging.resolve(out.relativize(f));
                Files.createDirectories(f.getParent());
                dev.rankscope.engine.io.TempFiles.commit(from, f);   // refused once a signal began shutting down
                written.add(f.toString());
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + out + ": " + e.getMessage(), e);
        } finally {
            deleteTree(staging);
        }
    }

    private boolean verify(TensorSource base, TensorSource quant, Path staging, List<Target> targets,
                           Map<Target, double[]> predicted, Map<Target, Double> measured) {
        boolean ok = true;
        TensorSource quantBase = quant != null ? null
                : checkpoints.apply(staging.resolve(QUANTIZED_BASE).resolve(QuantizedExport.MODEL));
        try (PeftAdapter reloaded = PeftAdapter.open(staging)) {
            for (Target t : targets) {
                double[] pred = predicted.get(t);
                if (pred == null) {
                    continue;
                }
                checkCancelled();
                PeftAdapter.LoraModule lm = reloaded.module(t.name().moduleName()).orElseThrow(() ->
                        new IllegalStateException("the written adapter lacks " + t.name().moduleName()));
                Matrix w = MatrixReader.read(base, t.base());
                Matrix wHat = MatrixReader.read(quant != null ? quant : quantBase, quant != null ? t.quantized() : t.base());
                Matrix delta = reloaded.delta(lm);
                double s = 0;
                for (int i = 0; i < w.data().length; i++) {
                    double r = w.data()[i] - wHat.data()[i] - delta.data()[i];
                    s += r * r;
                }
                double m = Math.sqrt(s);
                measured.put(t, m);
                double tol = VERIFY_RELATIVE * pred[0] + FLOAT32_FLOOR * pred[2];
                if (lm.scaling() != 1.0 || Math.abs(m - pred[0]) > tol) {
                    ok = false;
                    note(String.format(Locale.ROOT, "verification failed for %s: reloaded residual %.9g, predicted %.9g"
                            + " (scaling %s)", t.name().moduleName(), m, pred[0], lm.scaling()));
                }
            }
        } finally {
            if (quantBase != null) {
                quantBase.close();
            }
        }
        return ok;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException ignored) {
                    // best effort: a leftover staging file is named .<out>.rankscope-*
                }
            });
        } catch (IOException ignored) {
            // best effort, as above
        }
    }

    // ---------------------------------------------------------------- result

    private CompensateResult result(QuantScheme scheme, TensorSource quant, ErrorSpace space, List<Target> targets,
                                    Map<Target, QuantErrorSpectrum> spectra, Map<Target, Integer> ranks,
                                    Map<Target, double[]> predicted, Map<Target, Double> measured,
                                    List<String> mismatches, List<String> onlyBase, List<String> onlyQuant,
                                    List<String> written, boolean verified) {
        List<CompensateResult.MatrixRow> rows = new ArrayList<>();
        long params = 0;
        for (Target t : targets) {
            QuantErrorSpectrum s = spectra.get(t);
            int k = ranks.getOrDefault(t, 0);
            double[] pred = predicted.get(t);
            double wNorm = Math.sqrt(s.weightEnergy());
            double residual = pred != null ? ratio(pred[0], wNorm) : s.relativeResidual(k, ErrorSpace.WEIGHT);
            if (pred == null && k > 0 && p.method() == CompensateParameters.Method.EORA && !t.embedding()) {
                residual = Double.NaN;
            }
            double act = Double.NaN;
            if (s.hasActivation() && t.compensated()) {
                act = pred != null && !Double.isNaN(pred[1])
                        ? ratio(Math.sqrt(pred[1]), Math.sqrt(s.activationWeightEnergy()))
                        : p.method() == CompensateParameters.Method.EORA || k == 0
                        ? s.relativeResidual(k, ErrorSpace.ACTIVATION) : Double.NaN;
            }
            Double m = measured.get(t);
            long kParams = (long) k * (s.rows() + (long) s.cols());
            params += kParams;
            double tol = pred == null ? 0 : VERIFY_RELATIVE * pred[0] + FLOAT32_FLOOR * pred[2];
            rows.add(new CompensateResult.MatrixRow(t.base().id(), t.name().moduleName(), t.name().layer(),
                    t.name().module().label(), s.rows(), s.cols(), t.compensated(), t.skipReason(), s.relativeError(),
                    s.errorMetrics().effectiveRank(), s.errorMetrics().rankAt90(), s.errorMetrics().rankAt95(),
                    s.errorMetrics().rankAt99(), s.activationRelativeError(), k, residual, act, kParams,
                    m == null ? Double.NaN : ratio(m, wNorm), m == null || Math.abs(m - pred[0]) <= tol,
                    s.weightEnergy(), s.activationWeightEnergy(), s.errorSigma(), s.activationSigma()));
        }
        progress(1, "done");
        String quantization = scheme != null ? scheme.name() : "file " + fileName(p.quantized()) + " (" + quant.format() + ")";
        return new CompensateResult(p, quantization, space.name().toLowerCase(Locale.ROOT), rows, mismatches, onlyBase,
                onlyQuant, params, params * 4, written, verified, notes());
    }

    private static double ratio(double a, double b) {
        return b == 0 ? 0 : a / b;
    }

    private static double energy(Matrix m) {
        double s = 0;
        for (double v : m.data()) {
            s += v * v;
        }
        return s;
    }

    private static Matrix subtract(Matrix a, Matrix b) {
        double[] d = new double[a.data().length];
        for (int i = 0; i < d.length; i++) {
            d[i] = a.data()[i] - b.data()[i];
        }
        return new Matrix(a.rows(), a.cols(), d);
    }

    private static String abbreviate(List<String> names) {
        return names.size() <= 5 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
    }
}
