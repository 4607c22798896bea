package dev.rankscope.application.compensate;

import dev.rankscope.application.model.CalibrateJob;
import dev.rankscope.application.model.CalibrateParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * EoRA against plain SVD on real weights (issue 16, SPEC §9): the int8 all-MiniLM-L6-v2 against its
 * float original, calibration statistics from the runtime's calibrate job on the bundled calibration
 * text, layers 0–1 (12 modules) at rank 8. EoRA truncates E·Q·Λ^{1/2}, so its activation-space residual
 * ‖(E − C)·Q·Λ^{1/2}‖ can be no larger than that of the truncated SVD of E at the same rank, module by
 * module; and over all modules it must be clearly smaller. Both adapters verify on reload.
 */
class MiniLmEoraTest {
    private static final int RANK = 8;

    @TempDir
    Path dir;

    static Path calibrationText() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path f = d.resolve("sample-checkpoints/tiny-kjv/calibration.txt");
            if (Files.isRegularFile(f)) {
                return f;
            }
        }
        throw new IllegalStateException("sample-checkpoints/tiny-kjv/calibration.txt not found");
    }

    private CompensateResult run(Path base, Path quant, Path stats, CompensateParameters.Method method) {
        CompensateResult r = new CompensateJob().task(new CompensateParameters(base.toString(), null, quant.toString(),
                stats.toString(), method, CompensateParameters.Selection.RANK, RANK, 0, null, null,
                CompensateParameters.DEFAULT_DAMPING, dir.resolve("adapter-" + method).toString(), "auto",
                "^encoder\\.layer\\.[01]\\.")).runHere();
        assertTrue(r.verified(), method + ": " + r.notes());
        return r;
    }

    @Test
    void eoraActivationErrorIsAtMostSvdsAtEqualRank() throws Exception {
        Path folder = MiniLmEvaluationTest.folder(dir);
        Path quant = dir.resolve("all-minilm-l6-v2-q.onnx");
        MiniLmEvaluationTest.copy("all-minilm-l6-v2-q.onnx", quant);
        Path stats = dir.resolve("stats.safetensors");
        new CalibrateJob().task(new CalibrateParameters(folder, calibrationText(), 128, 2048, stats)).runHere();
        Path base = folder.resolve("model.safetensors");
        CompensateResult svd = run(base, quant, stats, CompensateParameters.Method.SVD);
        CompensateResult eora = run(base, quant, stats, CompensateParameters.Method.EORA);
        assertEquals(12, eora.matrices().size());
        Map<String, CompensateResult.MatrixRow> bySvd = new HashMap<>();
        svd.matrices().forEach(m -> bySvd.put(m.id(), m));
        double svdEnergy = 0;
        double eoraEnergy = 0;
        double total = 0;
        for (CompensateResult.MatrixRow e : eora.matrices()) {
            CompensateResult.MatrixRow s = bySvd.get(e.id());
            assertEquals(RANK, e.rank());
            assertEquals(RANK, s.rank());
            assertTrue(e.activationResidual() < e.activationRelativeError(), e.id() + ": EoRA reduces the error");
            assertTrue(e.activationResidual() <= s.activationResidual() * (1 + 1e-9), e.id() + ": EoRA "
                    + e.activationResidual() + " vs SVD " + s.activationResidual() + " in activation space");
            assertTrue(s.residual() <= e.residual() * (1 + 1e-9), e.id() + ": SVD is the optimum in weight space");
            svdEnergy += s.activationResidual() * s.activationResidual() * s.activationWeightEnergy();
            eoraEnergy += e.activationResidual() * e.activationResidual() * e.activationWeightEnergy();
            total += e.activationWeightEnergy();
        }
        double svdTotal = Math.sqrt(svdEnergy / total);
        double eoraTotal = Math.sqrt(eoraEnergy / total);
        assertTrue(eoraTotal < 0.9 * svdTotal, "activation-space residual over all modules: EoRA " + eoraTotal
                + ", SVD " + svdTotal);
    }
}
