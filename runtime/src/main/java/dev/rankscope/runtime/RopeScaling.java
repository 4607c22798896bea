package dev.rankscope.runtime;

/**
 * config.json's {@code rope_scaling} for Llama-family models (SPEC §8): {@code linear} divides
 * positions by {@code factor} (equivalently the inverse frequencies); {@code llama3} rescales
 * frequency bands as in transformers' {@code _compute_llama3_parameters}: wavelengths above
 * {@code originalMaxPositions/lowFreqFactor} are divided by {@code factor}, those below
 * {@code originalMaxPositions/highFreqFactor} kept, and the band between interpolated with
 * {@code s = (originalMaxPositions/λ − lowFreqFactor)/(highFreqFactor − lowFreqFactor)}.
 *
 * @param type                 {@code linear} or {@code llama3}
 * @param factor               scaling factor (> 0)
 * @param lowFreqFactor        llama3 only (else NaN)
 * @param highFreqFactor       llama3 only (else NaN)
 * @param originalMaxPositions llama3 only {@code original_max_position_embeddings} (else -1)
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositions) {

    /** Types the runtime implements. */
    public static final String LINEAR = "linear";
    public static final String LLAMA3 = "llama3";

    /**
     * The inverse frequencies {@code θ^(−2i/d)} for {@code i < d/2}, rescaled by this scaling.
     * Computed in float64.
     */
    public double[] scale(double[] invFreq) {
        double[] out = invFreq.clone();
        if (LINEAR.equals(type)) {
            for (int i = 0; i < out.length; i++) {
                out[i] = invFreq[i] / factor;
            }
        } else if (LLAMA3.equals(type)) {
            double lowWavelen = originalMaxPositions / lowFreqFactor;
            double highWavelen = originalMaxPositions / highFreqFactor;
            for (int i = 0; i < out.length; i++) {
                double wavelen = 2 * Math.PI / invFreq[i];
                if (wavelen > lowWavelen) {
                    out[i] = invFreq[i] / factor;
                } else if (wavelen >= highWavelen) {
                    double smooth = (originalMaxPositions / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                    out[i] = (1 - smooth) * invFreq[i] / factor + smooth * invFreq[i];
                }
            }
        }
        return out;
    }
}
