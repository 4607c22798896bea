package dev.rankscope.application.subspaces;

import dev.rankscope.application.job.JobParameters;
import dev.rankscope.engine.linalg.Backends;

import java.nio.file.Path;
import java.util.Locale;

/**
 * Parameters of a subspace comparison (SPEC §11), validated on construction.
 *
 * @param checkpoint   the checkpoint (file, folder or index)
 * @param module       which matrices: a module type label (q, k, v, o, gate, up, down, …) or a
 *                     regular expression found in the matrix id (e.g. {@code k_proj}); ignored by
 *                     {@link Grouping.Kind#KV}, which takes K and V of each layer
 * @param k            subspace dimension for every pair, or null to choose it by {@code energy}
 * @param energy       energy threshold τ ∈ (0, 1]: k = max(r_a(τ), r_b(τ)) per pair (SPEC §1); used when k is null
 * @param sides        which singular subspaces to compare
 * @param grouping     the groups for joint decompositions
 * @param targetError  relative Frobenius error ε at which shared and separate bases are compared
 * @param maxGroupSize the largest group the adjacent-layer suggestion may form
 * @param engine       the SVD engine preference
 */
public record SubspacesParameters(Path checkpoint, String module, Integer k, double energy, Sides sides,
                                  Grouping grouping, double targetError, int maxGroupSize,
                                  Backends.Preference engine) implements JobParameters {

    /** The default energy threshold for k. */
    public static final double DEFAULT_ENERGY = 0.9;
    /** The default target error of the joint decompositions. */
    public static final double DEFAULT_TARGET_ERROR = 0.1;

    /** Which sides to compare. */
    public enum Sides {
        LEFT, RIGHT, BOTH;

        public static Sides parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "left" -> LEFT;
                case "right" -> RIGHT;
                case "both" -> BOTH;
                default -> throw new IllegalArgumentException("side must be left, right or both, not '" + s + "'");
            };
        }
    }

    public SubspacesParameters {
        if (checkpoint == null) {
            throw new IllegalArgumentException("no checkpoint given");
        }
        if (grouping == null) {
            grouping = Grouping.NONE;
        }
        if (grouping.kind() != Grouping.Kind.KV && (module == null || module.isBlank())) {
            throw new IllegalArgumentException("name the matrices to compare with a module (q, k, v, o, gate, up, down, "
                    + "or a name such as k_proj), or compare K with V (groups kv)");
        }
        if (k != null && k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        if (!(energy > 0 && energy <= 1)) {
            throw new IllegalArgumentException("the energy threshold must be in (0, 1], got " + energy);
        }
        if (!(targetError >= 0 && targetError < 1)) {
            throw new IllegalArgumentException("the target error must be in [0, 1), got " + targetError);
        }
        if (maxGroupSize < 2) {
            throw new IllegalArgumentException("the largest suggested group must hold at least 2 layers, got " + maxGroupSize);
        }
        if (sides == null) {
            sides = Sides.BOTH;
        }
        if (engine == null) {
            engine = Backends.Preference.AUTO;
        }
    }

    /**
     * How matrices are grouped for joint decompositions.
     *
     * @param kind what a group is
     * @param size layers per group for {@link Kind#ADJACENT} (≥ 2), else 0
     */
    public record Grouping(Kind kind, int size) {
        public static final Grouping NONE = new Grouping(Kind.NONE, 0);

        public enum Kind { NONE, ADJACENT, EXPERTS, KV }

        public Grouping {
            if (kind == Kind.ADJACENT && size < 2) {
                throw new IllegalArgumentException("adjacent groups need at least 2 layers, got " + size);
            }
            if (kind != Kind.ADJACENT) {
                size = 0;
            }
        }

        /** Parses {@code adjacent:N}, {@code experts}, {@code kv} or {@code none}. */
        public static Grouping parse(String s) {
            String v = s.toLowerCase(Locale.ROOT).trim();
            if (v.equals("none")) {
                return NONE;
            }
            if (v.equals("experts")) {
                return new Grouping(Kind.EXPERTS, 0);
            }
            if (v.equals("kv")) {
                return new Grouping(Kind.KV, 0);
            }
            if (v.startsWith("adjacent")) {
                String n = v.startsWith("adjacent:") ? v.substring("adjacent:".length()) : "2";
                try {
                    return new Grouping(Kind.ADJACENT, Integer.parseInt(n));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("groups adjacent:N needs a whole number N, not '" + n + "'");
                }
            }
            throw new IllegalArgumentException("groups must be adjacent:N, experts, kv or none, not '" + s + "'");
        }

        /** The CLI spelling. */
        public String label() {
            return kind == Kind.ADJACENT ? "adjacent:" + size : kind.name().toLowerCase(Locale.ROOT);
        }
    }
}
