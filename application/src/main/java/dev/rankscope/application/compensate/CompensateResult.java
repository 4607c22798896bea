package dev.rankscope.application.compensate;

import dev.rankscope.analysis.naming.ModuleType;

import java.util.List;

/**
 * The outcome of one compensate run (issue 16): per-matrix quantization-error figures, the ranks
 * chosen, the predicted and the re-measured residuals, the pairing of base and quantized matrices,
 * and the files written. Immutable; JSON through {@link dev.rankscope.application.job.JobJson}.
 *
 * @param parameters     what was run
 * @param quantization   the in-tool scheme name, or a description of the quantized file
 * @param space          {@code weight} or {@code activation}: where ranks were chosen
 * @param matrices       one row per paired matrix, base order
 * @param shapeMismatches names whose shapes differ ({@code name: base m×n, quantized a×b}), not analysed
 * @param onlyInBase     base matrices without a quantized counterpart, not analysed
 * @param onlyInQuantized quantized matrices without a base counterpart, not analysed
 * @param addedParams    LoRA parameters added, Σ k(m+n)
 * @param addedBytes     their size in float32
 * @param files          files written (absolute paths), empty when nothing was written
 * @param verified       every module's reloaded residual matched its prediction
 * @param notes          remarks for the user (allocation notes, skipped matrices, …)
 */
public record CompensateResult(CompensateParameters parameters, String quantization, String space,
                               List<MatrixRow> matrices, List<String> shapeMismatches, List<String> onlyInBase,
                               List<String> onlyInQuantized, long addedParams, long addedBytes, List<String> files,
                               boolean verified, List<String> notes) {
    public CompensateResult {
        matrices = List.copyOf(matrices);
        shapeMismatches = List.copyOf(shapeMismatches);
        onlyInBase = List.copyOf(onlyInBase);
        onlyInQuantized = List.copyOf(onlyInQuantized);
        files = List.copyOf(files);
        notes = List.copyOf(notes);
    }

    /**
     * What the pairing left out, as the CLI prints it and the Quantize tab lists it: one line per shape
     * mismatch ({@code shape mismatch (skipped): NAME: base m×n, quantized a×b}), then
     * {@code only in base (skipped): …} and {@code only in quantized (skipped): …} when not empty.
     */
    public List<String> skippedLines() {
        List<String> lines = new java.util.ArrayList<>();
        shapeMismatches.forEach(m -> lines.add("shape mismatch (skipped): " + m));
        if (!onlyInBase.isEmpty()) {
            lines.add("only in base (skipped): " + String.join(", ", onlyInBase));
        }
        if (!onlyInQuantized.isEmpty()) {
            lines.add("only in quantized (skipped): " + String.join(", ", onlyInQuantized));
        }
        return lines;
    }

    /**
     * The quantized model this run compared with: the given quantized file, or the dequantized base it
     * wrote with an in-tool scheme ({@code <out>/quantized-base/model.safetensors}); null when an in-tool
     * run wrote nothing.
     */
    public java.nio.file.Path quantizedModel() {
        if (parameters.quantized() != null) {
            return java.nio.file.Path.of(parameters.quantized());
        }
        return files.isEmpty() ? null : java.nio.file.Path.of(parameters.out()).resolve(CompensateTask.QUANTIZED_BASE)
                .resolve(dev.rankscope.analysis.quant.QuantizedExport.MODEL);
    }

    /**
     * One paired matrix.
     *
     * @param id                      tensor name
     * @param module                  module name (PEFT key)
     * @param layer                   block index, −1 outside blocks
     * @param moduleType              q/k/v/o/gate/up/down/embed/…
     * @param rows                    m
     * @param cols                    n
     * @param compensated             whether a LoRA module was considered for it
     * @param skipReason              why not (embedding, not a float weight), or null
     * @param relativeError           ‖E‖/‖W‖
     * @param errorEffectiveRank      effective rank of E (SPEC §1)
     * @param errorRankAt90           r(0.90) of E's energy
     * @param errorRankAt95           r(0.95)
     * @param errorRankAt99           r(0.99)
     * @param activationRelativeError ‖E·Q·Λ^{1/2}‖/‖W·Q·Λ^{1/2}‖, or NaN (null in JSON) without statistics
     * @param rank                    compensation rank k (0 = none)
     * @param residual                predicted ‖E − C‖/‖W‖ after compensation
     * @param activationResidual      predicted activation-space residual relative to ‖W·Q·Λ^{1/2}‖, or NaN
     * @param params                  k(m+n)
     * @param measuredResidual        ‖W − (Ŵ + B·A)‖/‖W‖ re-measured from the written files, or NaN when not written
     * @param verified                measured equals predicted to 1e-5 relative (true when nothing was written)
     * @param weightEnergy            ‖W‖²_F
     * @param activationWeightEnergy  ‖W·Q·Λ^{1/2}‖²_F, or NaN without statistics
     * @param errorSigma              σ(E), descending (weight space)
     * @param activationSigma         σ(E·Q·Λ^{1/2}), descending, or null
     */
    public record MatrixRow(String id, String module, int layer, String moduleType, int rows, int cols,
                            boolean compensated, String skipReason, double relativeError, double errorEffectiveRank,
                            int errorRankAt90, int errorRankAt95, int errorRankAt99, double activationRelativeError,
                            int rank, double residual, double activationResidual, long params,
                            double measuredResidual, boolean verified, double weightEnergy,
                            double activationWeightEnergy, double[] errorSigma, double[] activationSigma) {
        public MatrixRow {
            errorSigma = errorSigma.clone();
            activationSigma = activationSigma == null ? null : activationSigma.clone();
        }

        @Override
        public double[] errorSigma() {
            return errorSigma.clone();
        }

        @Override
        public double[] activationSigma() {
            return activationSigma == null ? null : activationSigma.clone();
        }

        /** Shape as {@code m×n}. */
        public String shapeString() {
            return rows + "×" + cols;
        }

        /**
         * What a user should know about this row: why it is not compensated, how an embedding table is
         * compensated ({@link #EMBEDDING_NOTE}), else empty.
         */
        public String note() {
            if (!compensated) {
                return skipReason;
            }
            return ModuleType.EMBED.label().equals(moduleType) ? EMBEDDING_NOTE : "";
        }
    }

    /**
     * How an embedding table is compensated: a token lookup has no input activations (no
     * {@code input_gram}, nothing for EoRA to project on), so its rank and factors come from the SVD of E
     * in weight space, written as PEFT's {@code lora_embedding_A}/{@code lora_embedding_B}.
     */
    public static final String EMBEDDING_NOTE = "embedding LoRA (lora_embedding_A/B) from the SVD of E in weight space:"
            + " a token lookup has no input activations for EoRA";
}
