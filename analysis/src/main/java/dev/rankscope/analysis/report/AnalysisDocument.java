package dev.rankscope.analysis.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * The {@code rankscope-analysis} JSON document (version 1) as records, mapped by
 * {@link dev.rankscope.analysis.json.Json}'s mapper: record components in JSON order, JSON names
 * in {@link JsonProperty}. Boxed numbers are {@code null} when absent or non-finite
 * (NaN/±∞ are written as {@code null}); {@link AnalysisJson} converts to and from the domain
 * records and documents the meaning of every field. Immutable carriers, no logic.
 */
record AnalysisDocument(String format, Integer version, Source source, Engine engine, String created,
                        List<Matrix> matrices, List<String> failures) {

    /** {@code "source"}. */
    record Source(String path, String format, @JsonProperty("header_sha256") String headerSha256,
                  @JsonProperty("tensor_count") Integer tensorCount, @JsonProperty("matrix_count") Integer matrixCount) {
    }

    /** {@code "engine"}. */
    record Engine(String backend, String library, String core, Integer threads, String note) {
    }

    /** One entry of {@code "matrices"}; {@code part}, {@code conv} and {@code conv_slices} only when they apply. */
    record Matrix(String name, String tensor, Boolean transposed,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String part,
                  @JsonInclude(JsonInclude.Include.NON_NULL) String conv,
                  @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("conv_slices") Integer convSlices,
                  Integer layer, String module, int[] shape, String dtype, String method, String precision,
                  Boolean approximate, double[] sigma,
                  @JsonProperty("effective_rank") Double effectiveRank,
                  @JsonProperty("energy_effective_rank") Double energyEffectiveRank,
                  @JsonProperty("stable_rank") Double stableRank,
                  @JsonProperty("numerical_rank") Integer numericalRank,
                  @JsonProperty("rank_at_energy") RankAtEnergy rankAtEnergy,
                  @JsonProperty("spectral_entropy") Double spectralEntropy,
                  Double alpha,
                  @JsonProperty("alpha_weighted") Double alphaWeighted,
                  Double xmin,
                  @JsonProperty("ks_distance") Double ksDistance,
                  @JsonProperty("sigma_alpha") Double sigmaAlpha,
                  @JsonProperty("num_pl_spikes") Integer numPlSpikes,
                  @JsonProperty("log_alpha_norm") Double logAlphaNorm,
                  String verdict,
                  Mp mp,
                  @JsonProperty("spectral_norm") Double spectralNorm,
                  @JsonProperty("frobenius_norm") Double frobeniusNorm,
                  @JsonProperty("nuclear_norm") Double nuclearNorm,
                  @JsonProperty("condition_number") Double conditionNumber,
                  @JsonProperty("log_norm") Double logNorm,
                  @JsonProperty("log_spectral_norm") Double logSpectralNorm,
                  List<String> warnings) {
    }

    /** {@code "rank_at_energy"}. */
    record RankAtEnergy(@JsonProperty("0.9") Integer at90, @JsonProperty("0.95") Integer at95,
                        @JsonProperty("0.99") Integer at99) {
    }

    /**
     * {@code "mp"}. {@code bulk_min}/{@code bulk_max} are only read: files written before the
     * two axes were named hold the mean-1 edges there.
     */
    record Mp(String method, Boolean degenerate, Double q, Double s, Double scale,
              @JsonProperty("bulk_min_mean1") Double bulkMinMean1,
              @JsonProperty("bulk_max_mean1") Double bulkMaxMean1,
              @JsonProperty("bulk_min_lambda") Double bulkMinLambda,
              @JsonProperty("bulk_max_lambda") Double bulkMaxLambda,
              Double tw,
              @JsonProperty("num_spikes") Integer numSpikes,
              Double softrank, Boolean quick,
              @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("bulk_min") Double legacyBulkMin,
              @JsonInclude(JsonInclude.Include.NON_NULL) @JsonProperty("bulk_max") Double legacyBulkMax) {
    }
}
