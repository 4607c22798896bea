package dev.rankscope.engine.linalg;

/**
 * How a spectrum was computed. Recorded per matrix in JSON and shown in the UI so accuracy is
 * never traded silently.
 */
public enum SvdMethod {
    /** LAPACK divide-and-conquer SVD ({@code dgesdd}/{@code sgesdd}) on the native engine. */
    GESDD("gesdd"),
    /** Gram matrix ({@code dsyrk}) + symmetric eigensolver ({@code dsyevd}); squares the condition number. */
    GRAM("gram-syevd"),
    /**
     * Gram path whose smallest values were resolved by a Rayleigh–Ritz refinement of the bottom
     * eigenspace with an a-posteriori bound ({@link GramRefinement}).
     */
    GRAM_REFINED("gram-syevd+rr"),
    /** ojAlgo's pure-Java SVD. */
    OJALGO("ojalgo-svd"),
    /** Randomised subspace iteration for the top-k values only; approximate. */
    RANDOMIZED("randomized-topk");

    private final String id;

    SvdMethod(String id) {
        this.id = id;
    }

    /**
     * True for the Gram paths ({@link #GRAM}, {@link #GRAM_REFINED}): cost modelled by the Gram
     * flop count (the refinement adds O(p·k·(m+n)) for k ≪ p), accuracy by {@link GramErrorBound}.
     */
    public boolean gramBased() {
        return this == GRAM || this == GRAM_REFINED;
    }

    /** Stable identifier used in JSON. */
    public String id() {
        return id;
    }
}
