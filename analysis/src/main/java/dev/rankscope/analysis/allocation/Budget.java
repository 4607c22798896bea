package dev.rankscope.analysis.allocation;

import dev.rankscope.engine.tensor.DType;

import java.util.Objects;

/**
 * How many parameters the eligible matrices may keep after allocation (SPEC §4). The budget
 * counts only eligible matrices (those in the {@link Scope} and not excluded): a factorised
 * matrix costs k(m+n), an eligible matrix left dense costs m·n; ineligible matrices stay dense
 * and are never counted.
 *
 * @param kind          which of the three forms the user gave
 * @param keptFraction  for {@link Kind#KEPT_FRACTION}: kept share of the eligible parameters, in (0, 1]; else 0
 * @param amount        for {@link Kind#PARAMS}: parameter count; for {@link Kind#BYTES}: bytes; else 0
 * @param dtype         storage type for byte accounting (and for {@link Kind#BYTES}): F16, BF16 or F32
 */
public record Budget(Kind kind, double keptFraction, long amount, DType dtype) {

    /** Forms a budget may take. */
    public enum Kind {
        KEPT_FRACTION("kept_fraction"), PARAMS("params"), BYTES("bytes");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        /** Stable identifier used in plan JSON. */
        public String id() {
            return id;
        }

        public static Kind fromId(String id) {
            for (Kind k : values()) {
                if (k.id.equals(id)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown budget kind '" + id + "'");
        }
    }

    /** Default storage type for byte figures when the budget is not given in bytes. */
    public static final DType DEFAULT_DTYPE = DType.BF16;

    public Budget {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(dtype, "dtype");
        if (dtype != DType.F16 && dtype != DType.BF16 && dtype != DType.F32) {
            throw new IllegalArgumentException("budget dtype must be F16, BF16 or F32, got " + dtype);
        }
        switch (kind) {
            case KEPT_FRACTION -> {
                if (!(keptFraction > 0 && keptFraction <= 1)) {
                    throw new IllegalArgumentException("kept fraction must be in (0, 1], got " + keptFraction);
                }
                if (amount != 0) {
                    throw new IllegalArgumentException("a kept-fraction budget has no amount");
                }
            }
            case PARAMS, BYTES -> {
                if (amount < 0) {
                    throw new IllegalArgumentException("budget " + kind.id() + " must be ≥ 0, got " + amount);
                }
                if (keptFraction != 0) {
                    throw new IllegalArgumentException("a " + kind.id() + " budget has no kept fraction");
                }
            }
        }
    }

    /** Keep {@code fraction} of the eligible parameters, e.g. 0.5. */
    public static Budget keptFraction(double fraction) {
        return new Budget(Kind.KEPT_FRACTION, fraction, 0, DEFAULT_DTYPE);
    }

    /** Keep at most {@code params} parameters in the eligible matrices. */
    public static Budget params(long params) {
        return new Budget(Kind.PARAMS, 0, params, DEFAULT_DTYPE);
    }

    /** Keep at most {@code bytes} bytes in the eligible matrices, stored at {@code dtype}. */
    public static Budget bytes(long bytes, DType dtype) {
        return new Budget(Kind.BYTES, 0, bytes, dtype);
    }

    /** The same budget with byte figures reported at {@code newDtype}. */
    public Budget withDType(DType newDtype) {
        return new Budget(kind, keptFraction, amount, newDtype);
    }

    /** Bytes one parameter takes at {@link #dtype()}. */
    public int bytesPerParam() {
        return dtype.bytesPerBlock();
    }

    /**
     * The parameter allowance for eligible matrices holding {@code eligibleParams} parameters
     * dense: ⌊f·P⌋, the count itself, or ⌊bytes / bytesPerParam⌋.
     */
    public long paramAllowance(long eligibleParams) {
        return switch (kind) {
            case KEPT_FRACTION -> (long) Math.floor(keptFraction * eligibleParams);
            case PARAMS -> amount;
            case BYTES -> amount / bytesPerParam();
        };
    }

    /** Human-readable form, e.g. {@code 50% of parameters} or {@code 1.2e9 bytes at BF16}. */
    public String describe() {
        return switch (kind) {
            case KEPT_FRACTION -> (keptFraction * 100) + "% of eligible parameters";
            case PARAMS -> amount + " parameters";
            case BYTES -> amount + " bytes at " + dtype;
        };
    }
}
