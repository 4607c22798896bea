package dev.rankscope.engine.synth;

import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.SafetensorsSource;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deterministic synthetic fine-tunes of a base checkpoint: a PEFT LoRA adapter with a planted
 * intruder dimension (SPEC §3, §6 "PEFT adapter") and a dense full fine-tune. Inputs are read
 * with {@link SafetensorsSource}; outputs are streamed with {@link SafetensorsWriter} and never
 * overwrite the base (its files are protected inputs of the {@link AtomicFileWriter}).
 *
 * <p>Stateless; every method may be called from any thread.
 */
public final class SyntheticFinetunes {

    /** The planted update's singular value relative to the base matrix's σ₁. */
    public static final double INTRUDER_STRENGTH = 3.0;
    /** Frobenius norm of the ordinary LoRA updates relative to the base matrix. */
    public static final double LORA_RELATIVE_NORM = 0.05;
    /** Element noise of the full fine-tune relative to each tensor's RMS. */
    public static final double FINETUNE_RELATIVE_NOISE = 0.02;
    /** Number of base singular directions the intruder is made orthogonal to. */
    public static final int PROTECTED_DIRECTIONS = 10;

    private static final Pattern LAYER = Pattern.compile("(?:^|\\.)layers\\.(\\d+)\\.");
    private static final int CHUNK = 1 << 16;

    /**
     * What {@link #writeLoraAdapter} produced.
     *
     * @param folder        the adapter folder
     * @param rank          r
     * @param alpha         lora_alpha (scaling = alpha / r)
     * @param modules       adapted module names (tensor names without {@code .weight}), base order
     * @param plantedModule the module whose update carries the intruder direction
     * @param plantedSigma  the planted rank-1 update's singular value t = {@value #INTRUDER_STRENGTH} · σ₁(W₀)
     * @param baseSigma1    σ₁ of the planted module's base matrix (subspace-iteration estimate)
     */
    public record LoraAdapterSummary(Path folder, int rank, double alpha, List<String> modules, String plantedModule,
                                     double plantedSigma, double baseSigma1) {
        public LoraAdapterSummary {
            modules = List.copyOf(modules);
        }
    }

    private SyntheticFinetunes() {
    }

    /**
     * Writes a PEFT LoRA adapter for the base checkpoint in {@code baseDir} into {@code outDir}:
     * {@code adapter_config.json} (peft_type LORA, r, lora_alpha, target_modules,
     * base_model_name_or_path = the base folder relative to {@code outDir}, task_type CAUSAL_LM,
     * bias none) and {@code adapter_model.safetensors} (F32) with, for every 2-D base weight whose
     * last module component is in {@code targetModules}, {@code base_model.model.<module>.lora_A.weight}
     * (r × n) and {@code .lora_B.weight} (m × r). ΔW = (alpha/r)·B·A.
     *
     * <p>Every module gets a small random update (‖ΔW‖_F = {@value #LORA_RELATIVE_NORM}·‖W₀‖_F).
     * One module — the first target module in the middle layer — gets in addition a rank-1 update
     * t·u·vᵀ in LoRA component 0, with t = {@value #INTRUDER_STRENGTH}·σ₁(W₀) and unit u, v random
     * but orthogonal to W₀'s top {@value #PROTECTED_DIRECTIONS} left/right singular vectors
     * (found by subspace iteration, O(m·n·k) per sweep). The fine-tuned matrix's top singular
     * vector is then ≈ u, a new direction: an intruder dimension in Shuttleworth et al.'s sense.
     *
     * @throws IllegalArgumentException when no base weight matches {@code targetModules} or rank < 1
     */
    public static LoraAdapterSummary writeLoraAdapter(Path baseDir, Path outDir, int rank, List<String> targetModules,
                                                      double alpha, long seed) {
        if (rank < 1 || targetModules.isEmpty() || !(alpha > 0)) {
            throw new IllegalArgumentException("rank ≥ 1, alpha > 0 and at least one target module are required");
        }
        double scaling = alpha / rank;
        try (SafetensorsSource base = SafetensorsSource.open(baseDir)) {
            List<TensorInfo> targets = new ArrayList<>();
            for (TensorInfo t : base.tensors()) {
                if (t.rank() == 2 && t.name().endsWith(".weight") && targetModules.contains(lastComponent(module(t)))) {
                    targets.add(t);
                }
            }
            if (targets.isEmpty()) {
                throw new IllegalArgumentException("no 2-D weight in " + baseDir + " matches " + targetModules);
            }
            TensorInfo planted = choosePlanted(targets, targetModules.get(0));
            SafetensorsWriter writer = new SafetensorsWriter();
            List<String> modules = new ArrayList<>();
            double plantedSigma = 0;
            double baseSigma1 = 0;
            for (TensorInfo t : targets) {
                String module = module(t);
                modules.add(module);
                int m = Math.toIntExact(t.dim(0));
                int n = Math.toIntExact(t.dim(1));
                SplittableRandom rng = new SplittableRandom(SyntheticModel.tensorSeed(seed, module));
                double frob = Math.sqrt(sumOfSquares(base, t));
                double amp = Math.sqrt(LORA_RELATIVE_NORM * frob / (scaling * Math.sqrt((double) m * n * rank)));
                double[] a = gaussian(rank * n, amp, rng);
                double[] b = gaussian(m * rank, amp, rng);
                if (t.equals(planted)) {
                    double[] w = base.readDouble(t.name());
                    Subspace top = topSingularSubspace(w, m, n, Math.min(PROTECTED_DIRECTIONS, Math.min(m, n)), rng);
                    double[] u = orthogonalUnit(m, top.left, rng);
                    double[] v = orthogonalUnit(n, top.right, rng);
                    baseSigma1 = top.sigma1;
                    plantedSigma = INTRUDER_STRENGTH * top.sigma1;
                    double c = Math.sqrt(plantedSigma / scaling);
                    for (int j = 0; j < n; j++) {
                        a[j] = c * v[j];
                    }
                    for (int i = 0; i < m; i++) {
                        b[i * rank] = c * u[i];
                    }
                }
                String key = "base_model.model." + module;
                writer.add(key + ".lora_A.weight", DType.F32, new long[] {rank, n}, sink -> sink.put(a));
                writer.add(key + ".lora_B.weight", DType.F32, new long[] {m, rank}, sink -> sink.put(b));
            }
            AtomicFileWriter files = new AtomicFileWriter(base.files());
            writer.write(outDir.resolve("adapter_model.safetensors"), files);
            files.writeBytes(outDir.resolve("adapter_config.json"),
                    adapterConfig(baseReference(baseDir, outDir), rank, alpha, targetModules));
            return new LoraAdapterSummary(outDir, rank, alpha, modules, module(planted), plantedSigma, baseSigma1);
        }
    }

    /**
     * Writes a dense full fine-tune of the base in {@code baseDir} to {@code outDir/model.safetensors}
     * (same tensors, names, dtypes and order; single file even for a sharded base) and copies
     * {@code config.json} when the base has one. Every floating-point tensor W becomes
     * W + {@value #FINETUNE_RELATIVE_NOISE}·rms(W)·G with G i.i.d. N(0, 1) seeded per tensor; other
     * tensors are copied through float64 (exact up to 2^53). Streams in chunks (two passes per tensor).
     *
     * @return the files written
     */
    public static List<Path> writeFullFinetune(Path baseDir, Path outDir, long seed) {
        try (SafetensorsSource base = SafetensorsSource.open(baseDir)) {
            AtomicFileWriter files = new AtomicFileWriter(base.files());
            SafetensorsWriter writer = new SafetensorsWriter().metadata("format", "pt");
            for (TensorInfo t : base.tensors()) {
                boolean perturb = t.dtype().kind() == DType.Kind.FLOAT;
                writer.add(t.name(), t.dtype(), t.shape(), sink -> {
                    long numel = t.numel();
                    double noise = perturb && numel > 0
                            ? FINETUNE_RELATIVE_NOISE * Math.sqrt(sumOfSquares(base, t) / numel) : 0;
                    SplittableRandom rng = new SplittableRandom(SyntheticModel.tensorSeed(seed, t.name()));
                    double[] buf = new double[(int) Math.min(CHUNK, Math.max(1, numel))];
                    for (long first = 0; first < numel; first += buf.length) {
                        int count = (int) Math.min(buf.length, numel - first);
                        base.readElements(t.name(), first, count, buf, 0);
                        if (perturb) {
                            for (int i = 0; i < count; i++) {
                                buf[i] += noise * rng.nextGaussian();
                            }
                        }
                        sink.put(buf, 0, count);
                    }
                });
            }
            List<Path> written = new ArrayList<>();
            Path model = outDir.resolve(SafetensorsSource.DEFAULT_FILE);
            writer.write(model, files);
            written.add(model);
            Path baseFolder = Files.isDirectory(baseDir) ? baseDir : baseDir.toAbsolutePath().getParent();
            Path config = baseFolder.resolve("config.json");
            if (Files.isRegularFile(config)) {
                Path target = outDir.resolve("config.json");
                files.writeBytes(target, readAll(config));
                written.add(target);
            }
            return written;
        }
    }

    private static byte[] readAll(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CheckpointFormatException(file, CheckpointFormatException.Category.IO,
                    "cannot be read: " + e.getMessage(), e);
        }
    }

    /** PEFT's adapter_config.json, keys sorted as PEFT writes them. */
    static byte[] adapterConfig(String baseModel, int rank, double alpha, List<String> targetModules) {
        Map<String, Object> c = new TreeMap<>();
        c.put("alpha_pattern", Map.of());
        c.put("base_model_name_or_path", baseModel);
        c.put("bias", "none");
        c.put("fan_in_fan_out", false);
        c.put("inference_mode", true);
        c.put("init_lora_weights", true);
        c.put("lora_alpha", alpha == Math.rint(alpha) ? (Object) (long) alpha : (Object) alpha);
        c.put("lora_dropout", 0.0);
        c.put("peft_type", "LORA");
        c.put("r", rank);
        c.put("rank_pattern", Map.of());
        c.put("target_modules", List.copyOf(targetModules));
        c.put("task_type", "CAUSAL_LM");
        c.put("use_rslora", false);
        return SyntheticModel.toJson(c);
    }

    private static String baseReference(Path baseDir, Path outDir) {
        Path b = baseDir.toAbsolutePath().normalize();
        Path o = outDir.toAbsolutePath().normalize();
        try {
            return o.relativize(b).toString().replace('\\', '/');
        } catch (IllegalArgumentException differentRoots) {
            return b.toString();
        }
    }

    private static TensorInfo choosePlanted(List<TensorInfo> targets, String firstModule) {
        int maxLayer = -1;
        for (TensorInfo t : targets) {
            maxLayer = Math.max(maxLayer, layer(t.name()));
        }
        int middle = maxLayer < 0 ? -1 : maxLayer / 2;
        for (TensorInfo t : targets) {
            if (layer(t.name()) == middle && lastComponent(module(t)).equals(firstModule)) {
                return t;
            }
        }
        return targets.get(0);
    }

    private static int layer(String name) {
        Matcher m = LAYER.matcher(name);
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static String module(TensorInfo t) {
        return t.name().substring(0, t.name().length() - ".weight".length());
    }

    private static String lastComponent(String module) {
        return module.substring(module.lastIndexOf('.') + 1);
    }

    private static double sumOfSquares(SafetensorsSource src, TensorInfo t) {
        long numel = t.numel();
        double[] buf = new double[(int) Math.min(CHUNK, Math.max(1, numel))];
        double sum = 0;
        for (long first = 0; first < numel; first += buf.length) {
            int count = (int) Math.min(buf.length, numel - first);
            src.readElements(t.name(), first, count, buf, 0);
            for (int i = 0; i < count; i++) {
                sum += buf[i] * buf[i];
            }
        }
        return sum;
    }

    private static double[] gaussian(int len, double amp, SplittableRandom rng) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = amp * rng.nextGaussian();
        }
        return v;
    }

    /** Top-k singular subspaces of W (m × n, row-major) and σ₁, by subspace iteration. */
    private record Subspace(double[][] left, double[][] right, double sigma1) { }

    private static Subspace topSingularSubspace(double[] w, int m, int n, int k, SplittableRandom rng) {
        double[][] q = new double[k][];
        for (int c = 0; c < k; c++) {
            q[c] = MatrixGenerator.unitVector(n, rng);
        }
        orthonormalize(q);
        double[][] u = new double[k][m];
        for (int iter = 0; iter < 30; iter++) {
            for (int c = 0; c < k; c++) {
                multiply(w, m, n, q[c], u[c]);
            }
            orthonormalize(u);
            for (int c = 0; c < k; c++) {
                multiplyTransposed(w, m, n, u[c], q[c]);
            }
            orthonormalize(q);
        }
        double[] wq = new double[m];
        multiply(w, m, n, q[0], wq);
        return new Subspace(u, q, norm(wq));
    }

    private static void multiply(double[] w, int m, int n, double[] x, double[] y) {
        for (int i = 0; i < m; i++) {
            double s = 0;
            int base = i * n;
            for (int j = 0; j < n; j++) {
                s += w[base + j] * x[j];
            }
            y[i] = s;
        }
    }

    private static void multiplyTransposed(double[] w, int m, int n, double[] x, double[] y) {
        java.util.Arrays.fill(y, 0);
        for (int i = 0; i < m; i++) {
            double xi = x[i];
            int base = i * n;
            for (int j = 0; j < n; j++) {
                y[j] += w[base + j] * xi;
            }
        }
    }

    /** Modified Gram-Schmidt, applied twice for numerical orthogonality; zero vectors stay zero. */
    private static void orthonormalize(double[][] vs) {
        for (int pass = 0; pass < 2; pass++) {
            for (int c = 0; c < vs.length; c++) {
                for (int d = 0; d < c; d++) {
                    double dot = dot(vs[c], vs[d]);
                    for (int i = 0; i < vs[c].length; i++) {
                        vs[c][i] -= dot * vs[d][i];
                    }
                }
                double nrm = norm(vs[c]);
                if (nrm > 0) {
                    for (int i = 0; i < vs[c].length; i++) {
                        vs[c][i] /= nrm;
                    }
                }
            }
        }
    }

    /** A random unit vector orthogonal to the orthonormal {@code basis}. */
    private static double[] orthogonalUnit(int len, double[][] basis, SplittableRandom rng) {
        int k = Math.min(basis.length, len - 1);
        double[][] all = new double[k + 1][];
        for (int c = 0; c < k; c++) {
            all[c] = basis[c].clone();
        }
        all[k] = MatrixGenerator.unitVector(len, rng);
        orthonormalize(all);
        return all[k];
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
