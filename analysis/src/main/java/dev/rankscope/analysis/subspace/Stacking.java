package dev.rankscope.analysis.subspace;

/**
 * How a group of matrices is joined for a shared basis (SPEC §11): {@link #VERTICAL} when they
 * share the input dimension n (rows stacked, (Σm_i)×n, one shared right basis — adjacent layers
 * of one module type, K with V, experts' up/gate projections); {@link #HORIZONTAL} when they share
 * the output dimension m (columns side by side, m×(Σn_i), one shared left basis).
 */
public enum Stacking {
    VERTICAL("vertical", Side.RIGHT), HORIZONTAL("horizontal", Side.LEFT);

    private final String label;
    private final Side sharedSide;

    Stacking(String label, Side sharedSide) {
        this.label = label;
        this.sharedSide = sharedSide;
    }

    public String label() {
        return label;
    }

    /** The side whose basis the group shares. */
    public Side sharedSide() {
        return sharedSide;
    }
}
