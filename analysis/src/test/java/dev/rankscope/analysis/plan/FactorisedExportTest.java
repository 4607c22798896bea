package dev.rankscope.analysis.plan;

import dev.rankscope.analysis.allocation.AllocationInput;
import dev.rankscope.analysis.allocation.Allocator;
import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.Constraints;
import dev.rankscope.analysis.allocation.EnergyParameters;
import dev.rankscope.analysis.allocation.GlobalOptimalParameters;
import dev.rankscope.analysis.allocation.Plan;
import dev.rankscope.analysis.allocation.PlanSource;
import dev.rankscope.analysis.allocation.PlannedMatrix;
import dev.rankscope.analysis.allocation.Scope;
import dev.rankscope.analysis.naming.ModuleType;
import dev.rankscope.engine.io.AtomicFileWriter;
import dev.rankscope.engine.io.CheckpointWriteException;
import dev.rankscope.engine.io.SafetensorsWriter;
import dev.rankscope.engine.linalg.Matrix;
import dev.rankscope.engine.linalg.OjAlgoBackend;
import dev.rankscope.engine.linalg.SvdBackend;
import dev.rankscope.engine.linalg.SvdResult;
import dev.rankscope.engine.tensor.Checkpoints;
import dev.rankscope.engine.tensor.DType;
import dev.rankscope.engine.tensor.TensorInfo;
import dev.rankscope.engine.tensor.TensorSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Factorised safetensors export and its re-read verification (SPEC §5). */
class FactorisedExportTest {
    private static final SvdBackend SVD = new OjAlgoBackend();

    private record Spec(String name, int layer, ModuleType type, DType dtype, long... shape) {
    }

    private static final List<Spec> TENSORS = List.of(
            new Spec("model.embed_tokens.weight", -1, ModuleType.EMBED, DType.BF16, 50, 16),
            new Spec("model.layers.0.input_layernorm.weight", 0, ModuleType.OTHER, DType.F32, 16),
            new Spec("model.layers.0.self_attn.q_proj.weight", 0, ModuleType.Q, DType.F32, 24, 16),
            new Spec("model.layers.0.mlp.up_proj.weight", 0, ModuleType.UP, DType.F32, 40, 16),
            new Spec("model.layers.1.self_attn.q_proj.weight", 1, ModuleType.Q, DType.BF16, 24, 16),
            new Spec("model.layers.1.mlp.down_proj.weight", 1, ModuleType.DOWN, DType.F16, 16, 40),
            new Spec("lm_head.weight", -1, ModuleType.LM_HEAD, DType.F16, 50, 16));

    /** Low-rank-plus-noise values so spectra decay. */
    private static double[] values(Random rnd, long[] shape) {
        if (shape.length == 1) {
            double[] v = new double[(int) shape[0]];
            for (int i = 0; i < v.length; i++) {
                v[i] = 1 + 0.1 * rnd.nextGaussian();
            }
            return v;
        }
        int m = (int) shape[0];
        int n = (int) shape[1];
        double[] w = new double[m * n];
        for (int r = 0; r < 6; r++) {
            double scale = Math.pow(0.5, r);
            double[] a = new double[m];
            double[] b = new double[n];
            for (int i = 0; i < m; i++) {
                a[i] = rnd.nextGaussian();
            }
            for (int j = 0; j < n; j++) {
                b[j] = rnd.nextGaussian();
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    w[i * n + j] += scale * a[i] * b[j];
                }
            }
        }
        for (int i = 0; i < w.length; i++) {
            w[i] += 0.01 * rnd.nextGaussian();
        }
        return w;
    }

    private static Path checkpoint(Path dir) {
        Random rnd = new Random(42);
        SafetensorsWriter w = new SafetensorsWriter();
        for (Spec s : TENSORS) {
            double[] v = values(rnd, s.shape());
            w.add(s.name(), s.dtype(), s.shape(), sink -> sink.put(v));
        }
        Path file = dir.resolve("model.safetensors");
        w.write(file, AtomicFileWriter.unprotected());
        return file;
    }

    private static Plan plan(TensorSource src, Scope scope) {
        List<AllocationInput> inputs = new ArrayList<>();
        for (Spec s : TENSORS) {
            if (s.shape().length != 2) {
                continue;
            }
            TensorInfo t = src.require(s.name());
            int m = (int) t.dim(0);
            int n = (int) t.dim(1);
            double[] sigma = SVD.singularValues(new Matrix(m, n, src.readDouble(s.name())),
                    SvdBackend.Tolerance.DEFAULT).sigma();
            String module = s.name().substring(0, s.name().length() - ".weight".length());
            inputs.add(new AllocationInput(s.name(), module, s.layer(), s.type(), m, n, s.dtype(), sigma,
                    Double.NaN, Double.NaN, Double.NaN, null));
        }
        return Allocator.plan(inputs, Budget.keptFraction(0.45), scope, Constraints.defaults(),
                GlobalOptimalParameters.defaults()).withSource(new PlanSource(src.path().toString(), "", 7));
    }

    @Test
    void writesFactorsThatReproduceThePlannedError(@TempDir Path dir) {
        Path model = checkpoint(dir);
        Path out = dir.resolve("out/factorised.safetensors");
        try (TensorSource src = Checkpoints.open(model)) {
            Plan plan = plan(src, Scope.defaults().including(ModuleType.LM_HEAD));
            assertTrue(plan.factorised().size() >= 3, "the budget factorises several matrices");
            FactorisedExportResult res = FactorisedExport.export(plan, src, out, SVD,
                    FactorisedExportParameters.defaults(), AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE);
            assertTrue(res.verified(), res.toString());
            assertEquals(plan.factorised().size(), res.factorChecks().size());
            for (FactorisedExportResult.FactorCheck c : res.factorChecks()) {
                assertTrue(c.difference() <= 1e-5, c.toString());
                assertTrue(c.planRelativeError() > 0, "truncation actually discards energy: " + c);
            }
            assertTrue(res.copyMismatches().isEmpty());
            try (TensorSource o = Checkpoints.open(out)) {
                for (PlannedMatrix pm : plan.matrices()) {
                    if (pm.factorised()) {
                        assertTrue(o.find(pm.id()).isEmpty(), "dense original replaced: " + pm.id());
                        String base = pm.id().substring(0, pm.id().length() - 7);
                        TensorInfo u = o.require(base + ".U.weight");
                        TensorInfo v = o.require(base + ".V.weight");
                        assertArrayEquals(new long[] {pm.rows(), pm.rank()}, u.shape());
                        assertArrayEquals(new long[] {pm.rank(), pm.cols()}, v.shape());
                        assertEquals(DType.F32, u.dtype());
                    } else {
                        TensorInfo t = o.require(pm.id());
                        assertEquals(src.require(pm.id()).dtype(), t.dtype(), "copied in its own dtype");
                        assertArrayEquals(src.readDouble(pm.id()), o.readDouble(pm.id()));
                    }
                }
                assertArrayEquals(src.readDouble("model.layers.0.input_layernorm.weight"),
                        o.readDouble("model.layers.0.input_layernorm.weight"));
                String json = o.metadata().get(FactorisedExport.PLAN_METADATA_KEY);
                assertEquals(plan, PlanJson.fromJson(json, null), "plan JSON in __metadata__ re-imports");
                assertEquals("pt", o.metadata().get("format"));
                long paramsOut = o.tensors().stream().mapToLong(TensorInfo::numel).sum();
                assertEquals(plan.totals().paramsAfter() + 16, paramsOut, "params after + the norm vector");
            }
        }
    }

    /** Replaces {@code model} as downloads do: a new file renamed over it. */
    private static void renameOver(Path model) {
        try {
            Path incoming = model.resolveSibling(".incoming");
            Files.write(incoming, Files.readAllBytes(model));
            Files.move(incoming, model, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Rewrites {@code model} in place with the same bytes but a later modification time. */
    private static void rewriteInPlace(Path model) {
        try {
            Files.write(model, Files.readAllBytes(model));
            Files.setLastModifiedTime(model, java.nio.file.attribute.FileTime.fromMillis(
                    Files.getLastModifiedTime(model).toMillis() + 5_000));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aSourceChangedDuringTheExportFailsWithOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        for (java.util.function.Consumer<Path> change : List.<java.util.function.Consumer<Path>>of(
                FactorisedExportTest::renameOver, FactorisedExportTest::rewriteInPlace)) {
            Path sub = Files.createDirectories(dir.resolve("run-" + System.nanoTime()));
            Path model = checkpoint(sub);
            Path out = sub.resolve("out.safetensors");
            try (TensorSource src = Checkpoints.open(model)) {
                Plan plan = plan(src, Scope.defaults());
                SafetensorsWriter.Progress changeAtThird = (index, total, tensor) -> {
                    if (index == 3) {
                        change.accept(model);
                    }
                };
                dev.rankscope.engine.tensor.CheckpointFormatException e = assertThrows(
                        dev.rankscope.engine.tensor.CheckpointFormatException.class,
                        () -> FactorisedExport.export(plan, src, out, SVD, FactorisedExportParameters.defaults(),
                                AtomicFileWriter.unprotected(), changeAtThird));
                assertEquals(dev.rankscope.engine.tensor.CheckpointFormatException.Category.CHANGED, e.category());
                assertEquals(model.getFileName(), e.file().getFileName());
                assertTrue(e.userMessage().startsWith("model.safetensors: was rewritten or replaced while it was being read"),
                        e.userMessage());
                assertFalse(e.userMessage().contains("\n"), "one line");
            }
            try (java.util.stream.Stream<Path> left = Files.list(sub)) {
                assertEquals(List.of(model), left.toList(), "no output and no temporary file");
            }
        }
    }

    @Test
    void wrongFactorsFailVerification(@TempDir Path dir) {
        Path model = checkpoint(dir);
        try (TensorSource src = Checkpoints.open(model)) {
            Plan plan = plan(src, Scope.defaults());
            // An SVD of a perturbed matrix: factors no longer give the best rank-k approximation of W.
            Function<Matrix, SvdResult> skewed = a -> {
                Matrix b = a.copy();
                for (int i = 0; i < b.rows(); i++) {
                    b.set(i, 0, b.get(i, 0) + 3);
                }
                return SVD.svd(b);
            };
            FactorisedExportResult res = FactorisedExport.export(plan, src, dir.resolve("bad.safetensors"), skewed,
                    FactorisedExportParameters.defaults(), AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE);
            assertFalse(res.verified());
            assertTrue(res.factorChecks().stream().anyMatch(c -> !c.withinTolerance()));
        }
    }

    @Test
    void neverOverwritesTheSourceAndRejectsAForeignPlan(@TempDir Path dir) throws Exception {
        Path model = checkpoint(dir);
        byte[] before = Files.readAllBytes(model);
        try (TensorSource src = Checkpoints.open(model)) {
            Plan plan = plan(src, Scope.defaults());
            assertThrows(CheckpointWriteException.class, () -> FactorisedExport.export(plan, src, model, SVD,
                    FactorisedExportParameters.defaults(), AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE));
            assertArrayEquals(before, Files.readAllBytes(model));

            Path other = dir.resolve("other.safetensors");
            SafetensorsWriter w = new SafetensorsWriter();
            w.add("model.layers.0.self_attn.q_proj.weight", DType.F32, new long[] {16, 24}, s -> s.put(new double[384]));
            w.write(other, AtomicFileWriter.unprotected());
            try (TensorSource foreign = Checkpoints.open(other)) {
                PlanFileException e = assertThrows(PlanFileException.class, () -> FactorisedExport.export(plan, foreign,
                        dir.resolve("x.safetensors"), SVD, FactorisedExportParameters.defaults(),
                        AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE));
                assertEquals(PlanFileException.Kind.NOT_EXPORTABLE, e.kind());
            }
            assertFalse(Files.exists(dir.resolve("x.safetensors")));
        }
    }

    @Test
    void conv1DPlannedAsOutInIsFactorisedInItsStoredOrientation(@TempDir Path dir) {
        // GPT-2 Conv1D: stored (in = 16, out = 40); plans list it (out, in) = 40×16 (SPEC §7)
        String name = "transformer.h.0.mlp.c_fc.weight";
        double[] stored = values(new Random(3), new long[] {16, 40});
        SafetensorsWriter w = new SafetensorsWriter();
        w.add(name, DType.F32, new long[] {16, 40}, sink -> sink.put(stored));
        Path model = dir.resolve("gpt2.safetensors");
        w.write(model, AtomicFileWriter.unprotected());
        try (TensorSource src = Checkpoints.open(model)) {
            double[] sigma = SVD.singularValues(new Matrix(16, 40, src.readDouble(name)).transpose(),
                    SvdBackend.Tolerance.DEFAULT).sigma();
            Plan plan = Allocator.plan(List.of(AllocationInput.of(name, "transformer.h.0.mlp.c_fc", 0, ModuleType.UP, 40, 16,
                    sigma)), Budget.keptFraction(0.4), Scope.defaults(), Constraints.defaults(),
                    GlobalOptimalParameters.defaults()).withSource(new PlanSource(model.toString(), "", 1));
            PlannedMatrix pm = plan.matrices().get(0);
            assertTrue(pm.factorised());
            assertEquals(40, pm.rows());
            Path out = dir.resolve("f.safetensors");
            FactorisedExportResult res = FactorisedExport.export(plan, src, out, SVD, FactorisedExportParameters.defaults(),
                    AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE);
            assertTrue(res.verified(), res.toString());
            try (TensorSource o = Checkpoints.open(out)) {
                assertArrayEquals(new long[] {16, pm.rank()}, o.require("transformer.h.0.mlp.c_fc.U.weight").shape(),
                        "U is in×k: U·V reproduces the stored (in, out) tensor");
                assertArrayEquals(new long[] {pm.rank(), 40}, o.require("transformer.h.0.mlp.c_fc.V.weight").shape());
            }
        }
    }

    @Test
    void relativeErrorOfExactFactorsIsZero() {
        double[] u = {1, 0, 0, 1, 1, 1};          // 3×2
        double[] v = {1, 2, 3, 4};                // 2×2
        double[] w = {1, 2, 3, 4, 4, 6};          // U·V
        assertEquals(0, FactorisedExport.relativeError(w, u, v, 3, 2, 2), 0);
        double[] w2 = {1, 2, 3, 4, 4, 7};
        assertEquals(1 / Math.sqrt(1 + 4 + 9 + 16 + 16 + 49), FactorisedExport.relativeError(w2, u, v, 3, 2, 2), 1e-15);
        assertEquals("a.b.U.weight", FactorisedExport.factorName("a.b.weight", 'U'));
    }

    @Test
    void energyPlanExportAlsoVerifies(@TempDir Path dir) {
        Path model = checkpoint(dir);
        try (TensorSource src = Checkpoints.open(model)) {
            Plan base = plan(src, Scope.defaults());
            List<AllocationInput> inputs = new ArrayList<>();
            for (PlannedMatrix pm : base.matrices()) {
                double[] sigma = SVD.singularValues(new Matrix(pm.rows(), pm.cols(), src.readDouble(pm.id())),
                        SvdBackend.Tolerance.DEFAULT).sigma();
                inputs.add(AllocationInput.of(pm.id(), pm.moduleName(), pm.layer(), pm.module(), pm.rows(), pm.cols(), sigma));
            }
            Plan plan = Allocator.plan(inputs, Budget.keptFraction(0.3), Scope.defaults(), Constraints.defaults(),
                    new EnergyParameters());
            FactorisedExportResult res = FactorisedExport.export(plan, src, dir.resolve("e.safetensors"), SVD::svd,
                    new FactorisedExportParameters(DType.F64, 1e-9), AtomicFileWriter.unprotected(),
                    SafetensorsWriter.Progress.NONE);
            assertTrue(res.verified(), res.toString());
        }
    }

    @Test
    void taskReportsProgressAndCancelsCleanly(@TempDir Path dir) throws Exception {
        Path model = checkpoint(dir);
        try (TensorSource src = Checkpoints.open(model)) {
            Plan plan = plan(src, Scope.defaults());
            Path out = dir.resolve("task.safetensors");
            FactorisedExportTask task = new FactorisedExportTask(plan, src, out, SVD,
                    FactorisedExportParameters.defaults(), AtomicFileWriter.unprotected());
            List<Double> fractions = new ArrayList<>();
            task.addListener(p -> fractions.add(p.fraction()));
            task.run();
            assertEquals(dev.rankscope.engine.task.AbstractTask.Status.FINISHED, task.status(), String.valueOf(task.failure()));
            assertTrue(task.result().verified());
            assertTrue(fractions.size() > TENSORS.size(), "progress per tensor");

            Path cancelled = dir.resolve("cancelled.safetensors");
            FactorisedExportTask t2 = new FactorisedExportTask(plan, src, cancelled, SVD,
                    FactorisedExportParameters.defaults(), AtomicFileWriter.unprotected());
            t2.addListener(p -> {
                if (p.message() != null && p.message().startsWith("writing") && p.fraction() > 0.2) {
                    t2.cancel();
                }
            });
            t2.run();
            assertEquals(dev.rankscope.engine.task.AbstractTask.Status.CANCELLED, t2.status());
            assertFalse(Files.exists(cancelled), "no partial output");
            try (var files = Files.list(dir)) {
                assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".cancelled")), "no temp file");
            }
        }
    }

    @Test
    void planSourceHashesTheSafetensorsHeader(@TempDir Path dir) throws Exception {
        Path model = checkpoint(dir);
        byte[] bytes = Files.readAllBytes(model);
        long n = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        String expected = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(java.util.Arrays.copyOfRange(bytes, 8, 8 + (int) n)));
        try (TensorSource src = Checkpoints.open(model)) {
            PlanSource ps = PlanSources.of(src);
            assertEquals(expected, ps.headerSha256());
            assertEquals(TENSORS.size(), ps.tensorCount());
            assertEquals(model.toString(), ps.path());
            Plan plan = plan(src, Scope.defaults()).withSource(ps);
            assertTrue(PlanSources.matches(plan, src));
            assertFalse(PlanSources.matches(plan.withSource(new PlanSource("x", "00", TENSORS.size())), src));
            assertFalse(PlanSources.matches(plan.withSource(new PlanSource("x", "", 3)), src));
        }
    }

    @Test
    void dataAwarePlanExportsWhitenedFactorsAndVerifiesInDataSpace(@TempDir Path dir) {
        Path model = checkpoint(dir);
        Random rnd = new Random(9);
        try (TensorSource src = Checkpoints.open(model)) {
            java.util.Map<String, Matrix> transforms = new java.util.HashMap<>();
            List<AllocationInput> inputs = new ArrayList<>();
            for (Spec s : TENSORS) {
                if (s.shape().length != 2 || s.type() == ModuleType.EMBED || s.type() == ModuleType.LM_HEAD) {
                    continue;
                }
                int m = (int) s.shape()[0];
                int n = (int) s.shape()[1];
                double[] xs = new double[60 * n];
                for (int i = 0; i < xs.length; i++) {
                    xs[i] = rnd.nextGaussian() * (1 + (i % n));
                }
                Matrix x = new Matrix(60, n, xs);
                dev.rankscope.analysis.allocation.ModuleStatistics stats = new dev.rankscope.analysis.allocation.ModuleStatistics(
                        dev.rankscope.analysis.allocation.DataAwareSpectra.multiply(x.transpose(), x), null, null);
                String module = s.name().substring(0, s.name().length() - 7);
                AllocationInput base = new AllocationInput(s.name(), module, s.layer(), s.type(), m, n, s.dtype(),
                        new double[Math.min(m, n)], Double.NaN, Double.NaN, Double.NaN, stats);
                Matrix w = new Matrix(m, n, src.readDouble(s.name()));
                dev.rankscope.analysis.allocation.DataAwareParameters dp = dev.rankscope.analysis.allocation.DataAwareParameters
                        .of(dev.rankscope.analysis.allocation.DataAwareParameters.Method.SVD_LLM_WHITENING);
                inputs.add(dev.rankscope.analysis.allocation.DataAwareSpectra.dataAware(base, w, dp, SVD));
                transforms.put(s.name(), dev.rankscope.analysis.allocation.DataAwareSpectra.inputTransform(module, stats, n, dp));
            }
            Plan plan = Allocator.plan(inputs, Budget.keptFraction(0.45), Scope.defaults(), Constraints.defaults(),
                    GlobalOptimalParameters.defaults());
            assertFalse(plan.factorised().isEmpty());
            Path out = dir.resolve("aware.safetensors");
            FactorisedExportResult res = FactorisedExport.export(plan, src, out, SVD::svd,
                    FactorisedExportParameters.defaults(), AtomicFileWriter.unprotected(), SafetensorsWriter.Progress.NONE,
                    transforms::get);
            assertTrue(res.verified(), res.toString());
            // Without S the same factors do not match the data-space error: the check is meaningful.
            try (TensorSource o = Checkpoints.open(out)) {
                FactorisedExportResult plainCheck = FactorisedExport.verify(plan, src, o, 1e-5, out);
                assertFalse(plainCheck.verified(), "weight-space error differs from the data-space rel_error");
                PlannedMatrix pm = plan.factorised().get(0);
                Matrix s = transforms.get(pm.id());
                Matrix expected = dev.rankscope.analysis.allocation.DataAwareSpectra.reconstruct(
                        SVD.svd(dev.rankscope.analysis.allocation.DataAwareSpectra.multiply(
                                new Matrix(pm.rows(), pm.cols(), src.readDouble(pm.id())), s)), pm.rank(), s);
                String base = pm.id().substring(0, pm.id().length() - 7);
                Matrix uv = dev.rankscope.analysis.allocation.DataAwareSpectra.multiply(
                        new Matrix(pm.rows(), pm.rank(), o.readDouble(base + ".U.weight")),
                        new Matrix(pm.rank(), pm.cols(), o.readDouble(base + ".V.weight")));
                for (int i = 0; i < uv.data().length; i++) {
                    assertEquals(expected.data()[i], uv.data()[i], 1e-4 * (1 + Math.abs(expected.data()[i])));
                }
            }
        }
    }
}
