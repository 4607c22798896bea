package dev.rankscope.application.render;

import dev.rankscope.analysis.Analyzer;
import dev.rankscope.analysis.MatrixAnalysis;
import dev.rankscope.analysis.naming.NameParser;
import dev.rankscope.analysis.report.CheckpointAnalysis;
import dev.rankscope.analysis.report.SourceInfo;
import dev.rankscope.engine.linalg.EngineInfo;
import dev.rankscope.engine.linalg.SvdMethod;
import dev.rankscope.engine.spectrum.MatrixRef;
import dev.rankscope.engine.spectrum.Precision;
import dev.rankscope.engine.spectrum.Spectrum;
import dev.rankscope.engine.tensor.DType;

import java.time.Instant;
import java.util.List;
import java.util.Random;

/** Analysed matrices from hand-made spectra, for chart and report tests (no SVD needed). */
public final class ReportFixtures {
    public static final EngineInfo ENGINE = new EngineInfo("java", "ojAlgo test", "n/a", 1, "");

    private ReportFixtures() {
    }

    /** The analysis of an m×n matrix with singular values {@code sigma} (descending, length min(m, n)). */
    public static MatrixAnalysis matrix(String id, int m, int n, double... sigma) {
        Spectrum s = new Spectrum(MatrixRef.whole(id, m, n), sigma, SvdMethod.GESDD, Precision.F64, false, 0);
        return Analyzer.analyze(NameParser.parse(id), DType.F32, s);
    }

    /** Singular values of an m×n Gaussian matrix (entries N(0, 1/n)), descending: an MP-like bulk. */
    public static double[] randomBulk(int m, int n, long seed) {
        int p = Math.min(m, n);
        Random r = new Random(seed);
        double[] sigma = new double[p];
        double q = (double) Math.max(m, n) / p;
        for (int i = 0; i < p; i++) {
            // quantiles of the MP law, approximately, with a little jitter
            double t = 1 - (i + 0.5) / p;
            double lo = Math.pow(1 - 1 / Math.sqrt(q), 2);
            double hi = Math.pow(1 + 1 / Math.sqrt(q), 2);
            sigma[i] = Math.sqrt(lo + (hi - lo) * t * t * (3 - 2 * t)) * (1 + 0.01 * r.nextGaussian());
        }
        java.util.Arrays.sort(sigma);
        for (int i = 0; i < p / 2; i++) {
            double tmp = sigma[i];
            sigma[i] = sigma[p - 1 - i];
            sigma[p - 1 - i] = tmp;
        }
        return sigma;
    }

    /** σ_i = i^(-exponent), i = 1..p: a power-law spectrum with a heavy tail. */
    public static double[] powerLaw(int p, double exponent) {
        double[] sigma = new double[p];
        for (int i = 0; i < p; i++) {
            sigma[i] = Math.pow(i + 1, -exponent);
        }
        return sigma;
    }

    /** A small two-layer Llama-style model: q/k/v/o per layer plus an embedding. */
    public static List<MatrixAnalysis> smallModel() {
        return List.of(
                matrix("model.embed_tokens.weight", 96, 32, powerLaw(32, 0.6)),
                matrix("model.layers.0.self_attn.q_proj.weight", 32, 32, powerLaw(32, 0.3)),
                matrix("model.layers.0.self_attn.k_proj.weight", 16, 32, powerLaw(16, 1.5)),
                matrix("model.layers.0.self_attn.v_proj.weight", 16, 32, randomBulk(16, 32, 1)),
                matrix("model.layers.1.self_attn.q_proj.weight", 32, 32, powerLaw(32, 0.4)),
                matrix("model.layers.1.self_attn.k_proj.weight", 16, 32, powerLaw(16, 1.2)),
                matrix("model.layers.1.self_attn.o_proj.weight", 32, 32, randomBulk(32, 32, 2)));
    }

    public static CheckpointAnalysis checkpoint(String path, List<MatrixAnalysis> matrices) {
        return new CheckpointAnalysis(new SourceInfo(path, "safetensors", "ab".repeat(32), matrices.size() + 2,
                matrices.size()), ENGINE, matrices, Instant.parse("2026-01-02T03:04:05Z"), List.of());
    }
}
