package dev.rankscope.analysis.subspace;

/** Which singular subspace of W = UΣVᵀ: the left (column space, U, in ℝᵐ) or the right (row space, V, in ℝⁿ). */
public enum Side {
    LEFT("left"), RIGHT("right");

    private final String label;

    Side(String label) {
        this.label = label;
    }

    /** The JSON/CSV spelling ({@code "left"}, {@code "right"}). */
    public String label() {
        return label;
    }
}
