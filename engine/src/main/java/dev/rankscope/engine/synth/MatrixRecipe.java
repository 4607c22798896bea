package dev.rankscope.engine.synth;

/**
 * How one synthetic weight matrix W (m × n, PyTorch order) is built, in O(m·n·(1 + spikes + lowRank))
 * time and O(m + n) memory per row (no orthogonalisation), so even Llama-7B shapes stream quickly:
 *
 * <pre>
 *   W = s·b·(D G)  +  Σ_k θ_k u_k v_kᵀ  +  s·λ·A·diag(c)·B,   c_l ∝ 2^(−l), Σ c_l² = 1
 * </pre>
 *
 * <ul>
 *   <li>G: i.i.d. N(0, 1) (m × n). Alone ({@code profileExponent = 0}) its squared singular values
 *       follow the Marchenko-Pastur law (SPEC §2) with edge σ ≈ s·b·(√m + √n).</li>
 *   <li>D: a power-law profile {@code d_i ∝ (1 + π(i))^(−β)} along the smaller dimension (π a random
 *       permutation, mean d² = 1). β > 0 makes the singular values decay roughly like a power law,
 *       a heavy-tailed ESD as WeightWatcher sees in trained layers.</li>
 *   <li>spikes: {@code θ_k = spikeStrength·edge·(1 + (spikes−1−k)/2)} with random unit u_k, v_k
 *       (nearly orthogonal in high dimension): a few outliers above the bulk.</li>
 *   <li>low rank: A (m × r), B (r × n) Gaussian, component l weighted 2^(−l), overall weight λ;
 *       with a small bulk weight b the matrix is nearly rank r, its energy concentrated in the
 *       first couple of directions (stable rank ≈ 1.3–2).</li>
 * </ul>
 *
 * @param kind            label for documentation and tests ({@code marchenko-pastur}, {@code power-law},
 *                        {@code spiked}, {@code low-rank})
 * @param scale           s, the element scale (Llama's init std is 0.02)
 * @param bulkWeight      b ≥ 0, weight of the Gaussian bulk
 * @param profileExponent β ≥ 0 of the power-law profile (0: plain Marchenko-Pastur bulk)
 * @param spikes          number of planted rank-1 spikes, ≥ 0
 * @param spikeStrength   strength of the weakest spike relative to the bulk edge s·b·(√m + √n)
 * @param lowRank         r ≥ 0, rank of the low-rank component (0: none)
 * @param lowRankWeight   λ ≥ 0, weight of the low-rank component (its Frobenius norm ≈ s·λ·√(mn))
 */
public record MatrixRecipe(String kind, double scale, double bulkWeight, double profileExponent, int spikes,
                           double spikeStrength, int lowRank, double lowRankWeight) {

    public MatrixRecipe {
        if (!(scale > 0) || bulkWeight < 0 || profileExponent < 0 || spikes < 0 || spikeStrength < 0
                || lowRank < 0 || lowRankWeight < 0) {
            throw new IllegalArgumentException("invalid matrix recipe " + kind);
        }
    }

    /** Pure Marchenko-Pastur bulk. */
    public static MatrixRecipe marchenkoPastur(double scale) {
        return new MatrixRecipe("marchenko-pastur", scale, 1, 0, 0, 0, 0, 0);
    }

    /** Marchenko-Pastur bulk with {@code spikes} outliers, the weakest {@code strength} × the edge. */
    public static MatrixRecipe spiked(double scale, int spikes, double strength) {
        return new MatrixRecipe("spiked", scale, 1, 0, spikes, strength, 0, 0);
    }

    /** Power-law profiled bulk (heavy-tailed ESD) with optional spikes. */
    public static MatrixRecipe powerLaw(double scale, double exponent, int spikes, double strength) {
        return new MatrixRecipe("power-law", scale, 1, exponent, spikes, strength, 0, 0);
    }

    /** Rank-r signal of weight 1 plus a bulk of weight {@code noise}: nearly low-rank. */
    public static MatrixRecipe lowRank(double scale, int rank, double noise) {
        return new MatrixRecipe("low-rank", scale, noise, 0, 0, 0, rank, 1);
    }
}
