package dev.rankscope.analysis.report;

import dev.rankscope.analysis.AnalysisParameters;
import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.testing.TestSpectra;
import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;

import java.time.Instant;
import java.util.List;
import java.util.Random;

/** A small checkpoint analysis covering fits, a zero matrix, an expert slice and an approximate spectrum. */
final class ReportFixtures {
    private ReportFixtures() {
    }

    static MatrixAnalysis analyse(String id, DType dtype, int m, int n, double[] sigma, boolean approximate) {
        String tensor = id.endsWith("]") ? id.substring(0, id.lastIndexOf('[')) : id;
        MatrixRef ref = new MatrixRef(id, tensor, NameParser.sliceIndex(id), m, n, false);
        return Analyzer.analyze(NameParser.parse(id), dtype,
                new Spectrum(ref, sigma, SvdMethod.OJALGO, Precision.F64, approximate, 0),
                AnalysisParameters.DEFAULT.withMinEvals(0));   // the SPEC hand-checked 3×4 matrix keeps its fits
    }

    static CheckpointAnalysis checkpoint() {
        Random rnd = new Random(4);
        double[] gauss = TestSpectra.sigma(TestSpectra.gaussian(rnd, 64, 32, 0.1));
        double[] expert = TestSpectra.sigma(TestSpectra.gaussian(rnd, 16, 24, 1));
        List<MatrixAnalysis> ms = List.of(
                analyse("model.layers.0.self_attn.q_proj.weight", DType.BF16, 64, 32, gauss, false),
                analyse("model.embed_tokens.weight", DType.F32, 3, 4, new double[]{3, 2, 1}, false),
                analyse("model.layers.1.mlp.experts.down_proj[1]", DType.Q4_0, 16, 24, expert, false),
                analyse("model.layers.1.mlp.up_proj.weight", DType.F16, 5, 6, new double[]{0, 0, 0, 0, 0}, false),
                analyse("lm_head.weight", DType.F32, 64, 32, java.util.Arrays.copyOf(gauss, 8), true));
        return new CheckpointAnalysis(
                new SourceInfo("/models/tiny, \"v2\".safetensors", "safetensors", "ab12", 9, 5),
                new EngineInfo("java", "ojAlgo 57.1.0", "n/a", 2, ""),
                ms, Instant.parse("2026-11-23T09:00:00Z"), List.of("model.layers.2.mlp.c_fc.weight: weights contain NaN"));
    }
}
