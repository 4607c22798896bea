package dev.rankscope.analysis.allocation;

/**
 * WeLore's classification of a matrix (SPEC §4): a low-rank component (LRC, factorised) or not
 * (N-LRC, kept dense). {@link #NONE} for strategies that do not label.
 */
public enum LowRankLabel {
    LRC("LRC"), N_LRC("N-LRC"), NONE("");

    private final String id;

    LowRankLabel(String id) {
        this.id = id;
    }

    /** As written in plans: {@code LRC}, {@code N-LRC}, or empty. */
    public String id() {
        return id;
    }

    public static LowRankLabel fromId(String id) {
        for (LowRankLabel l : values()) {
            if (l.id.equals(id == null ? "" : id)) {
                return l;
            }
        }
        throw new IllegalArgumentException("unknown low-rank label '" + id + "'");
    }
}
