package dev.rankscope.analysis.naming;

/**
 * What a weight matrix does in its block (SPEC §7). Parsed from tensor names; unknown names
 * are {@link #OTHER} and still analysed.
 */
public enum ModuleType {
    Q("q"), K("k"), V("v"), O("o"), QKV("qkv"),
    GATE("gate"), UP("up"), DOWN("down"), GATE_UP("gate_up"),
    EMBED("embed"), LM_HEAD("lm_head"), CONV("conv"), OTHER("other");

    private final String label;

    ModuleType(String label) {
        this.label = label;
    }

    /** Short label used in tables, JSON ({@code "module"}) and the layer map's columns. */
    public String label() {
        return label;
    }

    public boolean isAttention() {
        return this == Q || this == K || this == V || this == O || this == QKV;
    }

    public boolean isMlp() {
        return this == GATE || this == UP || this == DOWN || this == GATE_UP;
    }

    public static ModuleType fromLabel(String label) {
        for (ModuleType t : values()) {
            if (t.label.equals(label)) {
                return t;
            }
        }
        return OTHER;
    }
}
