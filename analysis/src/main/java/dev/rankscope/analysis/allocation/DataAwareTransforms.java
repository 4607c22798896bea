package dev.rankscope.analysis.allocation;

import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.spectrum.MatrixReader;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.tensor.CheckpointFormatException;
import dev.rankscope.engine.tensor.TensorSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The data-aware half of planning and of building a compressed model (SPEC §4/§8), in one place:
 * turning a checkpoint's allocation inputs into σ(W·S) inputs while recording how each S was made
 * ({@link #apply}), and rebuilding exactly those S later from the same statistics file and the
 * plan's {@link DataAwareness} ({@link #rebuild}), so that the factorised export and
 * {@code rankscope evaluate} compress with the same {@code (W·S)_k·S⁻¹}.
 */
public final class DataAwareTransforms {
    private DataAwareTransforms() {
    }

    /** Inputs made data-aware and the provenance to put into the plan. */
    public record Applied(List<AllocationInput> inputs, DataAwareness awareness) {
        public Applied {
            inputs = List.copyOf(inputs);
        }
    }

    /**
     * Replaces σ(W) by σ(W·S) for every input whose module has statistics in {@code statistics};
     * the others are kept weights-only.
     *
     * @param refs             matrix id → where its weight lives in {@code source}
     * @param statisticsFile   the statistics file (hashed for provenance)
     * @param singularValues   e.g. {@code a -> backend.singularValues(a, Tolerance.DEFAULT)}
     * @throws AllocationException for statistics of the wrong size (naming the module), NaN/Inf
     */
    public static Applied apply(List<AllocationInput> inputs, TensorSource source, Map<String, MatrixRef> refs,
                                TensorSource statistics, Path statisticsFile, DataAwareParameters p,
                                Function<Matrix, SvdResult> singularValues) {
        List<AllocationInput> out = new java.util.ArrayList<>(inputs);
        Map<String, DataAwareness.ModuleTransform> modules = new LinkedHashMap<>();
        for (int i = 0; i < out.size(); i++) {
            AllocationInput in = out.get(i);
            String module = statisticsModule(in.moduleName());
            ModuleStatistics ms = ModuleStatistics.read(statistics, module);
            if (ms == null) {
                continue;
            }
            AllocationInput withStats = in.withStatistics(ms);
            DataAwareSpectra.Transform t = DataAwareSpectra.transform(module, ms, in.cols(), p);
            out.set(i, DataAwareSpectra.dataAware(withStats, MatrixReader.read(source, refs.get(in.id())),
                    t.transform(), singularValues));
            modules.put(in.id(), DataAwareness.ModuleTransform.of(t));
        }
        DataAwareness awareness = new DataAwareness(DataAwareness.methodName(p.method()), p, statisticsFile.toString(),
                sha256(statisticsFile), modules);
        return new Applied(out, awareness);
    }

    /**
     * S for each data-aware matrix of a plan, rebuilt from {@code statistics} with the damping the
     * plan recorded (no escalation: the same S as when the plan was made). Matrix ids without a
     * recorded transform map to null (weights-only).
     *
     * @param moduleOf matrix id → module name (the statistics prefix), e.g. from the plan's matrices
     */
    public static Function<String, Matrix> rebuild(DataAwareness awareness, TensorSource statistics,
                                                   Function<String, String> moduleOf, Function<String, Integer> inputsOf) {
        return id -> {
            DataAwareness.ModuleTransform mt = awareness.modules().get(id);
            if (mt == null) {
                return null;
            }
            String module = statisticsModule(moduleOf.apply(id));
            ModuleStatistics ms = ModuleStatistics.read(statistics, module);
            if (ms == null) {
                throw new AllocationException(module + ": the statistics file has no statistics for this module, "
                        + "but the plan was made with them");
            }
            int n = inputsOf.apply(id);
            DataAwareParameters exact = new DataAwareParameters(awareness.parameters().method(),
                    awareness.parameters().exponent(), mt.damping());
            if ("cholesky".equals(mt.factorisation())) {
                Matrix g = ms.inputGram();
                if (g == null || g.rows() != n) {
                    throw new AllocationException(module + ": whitening needs an input Gram matrix of size " + n + "×" + n
                            + (g == null ? ", but none was supplied" : ", got " + g.rows() + "×" + g.cols()));
                }
                return DataAwareSpectra.cholesky(g, mt.damping(), module);
            }
            return DataAwareSpectra.transform(module, ms, n, exact).transform();
        };
    }

    /**
     * The module whose input statistics a matrix's module uses: its own, or for a part of a fused
     * matrix ({@code c_attn#q}) the fused module's — the parts multiply the same input, so they
     * share its Gram (SPEC §8) and each part's spectrum is σ(W_part·S) with the fused module's S.
     */
    public static String statisticsModule(String moduleName) {
        return NameParser.wholeId(moduleName);
    }

    /**
     * Refuses a statistics file other than the one the plan was made with (by SHA-256).
     *
     * @throws AllocationException naming both files
     */
    public static void checkSameStatistics(DataAwareness awareness, Path statisticsFile) {
        String actual = sha256(statisticsFile);
        if (!actual.equals(awareness.statisticsSha256())) {
            throw new AllocationException(statisticsFile + ": these are not the statistics the plan was made with ("
                    + Path.of(awareness.statisticsPath()).getFileName() + ", sha256 "
                    + awareness.statisticsSha256().substring(0, Math.min(12, awareness.statisticsSha256().length()))
                    + "…); pass that file with --stats");
        }
    }

    /** Hex SHA-256 of a whole file. */
    public static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int r; (r = in.read(buf)) > 0; ) {
                sha.update(buf, 0, r);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (IOException e) {
            throw new CheckpointFormatException(file, CheckpointFormatException.Category.IO,
                    "cannot be read (" + e.getMessage() + ")", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
