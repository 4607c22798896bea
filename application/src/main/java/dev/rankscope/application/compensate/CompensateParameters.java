package dev.rankscope.application.compensate;

import dev.rankscope.analysis.allocation.Budget;
import dev.rankscope.analysis.allocation.StrategyRegistry;
import dev.rankscope.analysis.quant.QuantScheme;
import dev.rankscope.application.job.JobParameters;

import java.util.Locale;

/**
 * What {@code rankscope compensate} does (issue 16, SPEC §9): compare a base model with its
 * quantized form — quantized in-tool with {@code quantize} or read from {@code quantized} — and
 * export the low-rank compensation of the error as a PEFT LoRA adapter.
 *
 * @param base      base (float) checkpoint, file or folder
 * @param quantize  in-tool scheme name ({@link QuantScheme#parse}), or null with {@code quantized}
 * @param quantized quantized checkpoint (GGUF, int8 ONNX, …), or null with {@code quantize}
 * @param stats     calibration statistics (safetensors with {@code <module>.input_gram}, SPEC §8), or null
 * @param method    plain SVD of E, or EoRA (needs {@code stats})
 * @param selection how ranks are chosen
 * @param rank      for {@link Selection#RANK}: the rank of every module (≥ 0; capped at min(m, n))
 * @param keepError for {@link Selection#KEEP_ERROR}: the largest residual ‖E − C‖ / ‖W‖ accepted per
 *                  module (activation space ‖(E − C)·Q·Λ^{1/2}‖ / ‖W·Q·Λ^{1/2}‖ with EoRA), ≥ 0
 * @param budget    for {@link Selection#BUDGET}: added LoRA parameters as {@link Budget#parse} reads
 *                  them ({@code 200000}, {@code 1.5M}, {@code 4MB@f32}; a fraction {@code 0.01} is a
 *                  share of the compensated matrices' parameters)
 * @param strategy  allocation strategy for a budget (SPEC §4 name, e.g. {@code global-optimal})
 * @param damping   EoRA / activation damping δ relative to the mean eigenvalue of XᵀX, ≥ 0
 * @param out       adapter folder to write, or null to analyse only (the workbench's live preview)
 * @param engine    SVD engine: {@code auto}, {@code native} or {@code java}
 * @param include   Java regex searched in matrix names: only those matrices are analysed, or null for all
 */
public record CompensateParameters(String base, String quantize, String quantized, String stats, Method method,
                                   Selection selection, int rank, double keepError, String budget, String strategy,
                                   double damping, String out, String engine, String include) implements JobParameters {

    /** Compensation method. */
    public enum Method {
        /** Truncated SVD of E = W − Ŵ (weight space). */
        SVD,
        /** EoRA: truncated SVD of E·Q·Λ^{1/2} (activation space). */
        EORA;

        /** {@code svd} / {@code eora} as typed on the command line. */
        public static Method parse(String s) {
            return switch (s == null ? "" : s.toLowerCase(Locale.ROOT)) {
                case "svd" -> SVD;
                case "eora" -> EORA;
                default -> throw new IllegalArgumentException("unknown method '" + s + "' (known: svd, eora)");
            };
        }
    }

    /** How ranks are chosen. */
    public enum Selection { RANK, KEEP_ERROR, BUDGET }

    /** Default EoRA damping (relative to the mean eigenvalue of XᵀX). */
    public static final double DEFAULT_DAMPING = 1e-6;
    /** Default strategy under a budget: the exact optimum of SPEC §4. */
    public static final String DEFAULT_STRATEGY = "global-optimal";

    public CompensateParameters {
        if (base == null || base.isBlank()) {
            throw new IllegalArgumentException("a base model is required");
        }
        if ((quantize == null) == (quantized == null)) {
            throw new IllegalArgumentException("give exactly one of a quantization scheme or a quantized model");
        }
        if (quantize != null) {
            QuantScheme.parse(quantize);
        }
        if (method == null) {
            method = Method.SVD;
        }
        if (method == Method.EORA && stats == null) {
            throw new IllegalArgumentException("EoRA needs calibration statistics (--stats)");
        }
        if (selection == null) {
            throw new IllegalArgumentException("choose ranks by a rank, a target error or a budget");
        }
        switch (selection) {
            case RANK -> {
                if (rank < 0) {
                    throw new IllegalArgumentException("rank must be ≥ 0, got " + rank);
                }
            }
            case KEEP_ERROR -> {
                if (!(keepError >= 0) || Double.isInfinite(keepError)) {
                    throw new IllegalArgumentException("target error must be finite and ≥ 0, got " + keepError);
                }
            }
            case BUDGET -> Budget.parse(budget);
        }
        strategy = strategy == null ? DEFAULT_STRATEGY : strategy;
        StrategyRegistry.standard().description(strategy);
        if (!(damping >= 0) || Double.isInfinite(damping)) {
            throw new IllegalArgumentException("damping must be finite and ≥ 0, got " + damping);
        }
        if (out != null && out.isBlank()) {
            throw new IllegalArgumentException("the output folder is empty");
        }
        engine = engine == null ? "auto" : engine;
        if (include != null) {
            try {
                java.util.regex.Pattern.compile(include);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("invalid name pattern '" + include + "': " + e.getDescription(), e);
            }
        }
    }

    /** The in-tool scheme, or null. */
    public QuantScheme scheme() {
        return quantize == null ? null : QuantScheme.parse(quantize);
    }
}
