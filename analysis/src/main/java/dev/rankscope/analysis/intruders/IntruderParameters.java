package dev.rankscope.analysis.intruders;

/**
 * The two knobs of the intruder test (SPEC §3, Shuttleworth et al. 2024): the top {@code k}
 * fine-tuned singular vectors are examined, and vector j is an intruder when its best cosine
 * with any base vector, {@code c_j}, is below {@code epsilon}. Changing either never needs new
 * singular vectors: {@link IntruderMatrixResult} keeps {@code c_j} for j &lt; {@link #K_MAX}.
 *
 * @param k       how many top fine-tuned vectors to examine, 1..{@link #K_MAX}
 * @param epsilon cosine threshold in [0, 1]; 0 finds no intruders, 1 flags every vector not exactly
 *                aligned with a base vector
 */
public record IntruderParameters(int k, double epsilon) {

    /** Largest k a result can answer without recomputing vectors (the UI's k slider maximum). */
    public static final int K_MAX = 100;

    /** The paper's defaults: k = 10, ε = 0.5. */
    public static final IntruderParameters DEFAULT = new IntruderParameters(10, 0.5);

    public IntruderParameters {
        if (k < 1 || k > K_MAX) {
            throw new IllegalArgumentException("k must be between 1 and " + K_MAX + ", got " + k);
        }
        if (!(epsilon >= 0 && epsilon <= 1)) {
            throw new IllegalArgumentException("epsilon must be between 0 and 1, got " + epsilon);
        }
    }

    public IntruderParameters withK(int newK) {
        return new IntruderParameters(newK, epsilon);
    }

    public IntruderParameters withEpsilon(double newEpsilon) {
        return new IntruderParameters(k, newEpsilon);
    }
}
