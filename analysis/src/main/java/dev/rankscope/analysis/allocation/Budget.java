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

    /**
     * Parses a budget as a user types it (CLI, form field):
     * <ul>
     *   <li>{@code 50%} or a plain number in (0, 1] such as {@code 0.5}: kept fraction;</li>
     *   <li>an integer, optionally with {@code k}, {@code M} or {@code G} (10³, 10⁶, 10⁹), e.g.
     *   {@code 3500000} or {@code 3.5M}: parameters;</li>
     *   <li>a number with {@code B}, {@code KB}, {@code MB}, {@code GB} (10³ⁿ) or {@code KiB},
     *   {@code MiB}, {@code GiB} (2¹⁰ⁿ), optionally {@code @f16}/{@code @bf16}/{@code @f32}
     *   (default BF16), e.g. {@code 1.5GB@f16}: bytes.</li>
     * </ul>
     *
     * @throws IllegalArgumentException with a message saying what is accepted
     */
    public static Budget parse(String text) {
        String t = text == null ? "" : text.trim();
        String help = " (expected e.g. 50%, 0.5, 3.5M parameters or 1.5GB@bf16)";
        if (t.isEmpty()) {
            throw new IllegalArgumentException("empty budget" + help);
        }
        try {
            if (t.endsWith("%")) {
                return keptFraction(Double.parseDouble(t.substring(0, t.length() - 1).trim()) / 100);
            }
            DType dtype = DEFAULT_DTYPE;
            int at = t.indexOf('@');
            if (at >= 0) {
                String d = t.substring(at + 1).trim().toUpperCase(java.util.Locale.ROOT);
                dtype = DType.parse(d).orElseThrow(() -> new IllegalArgumentException("unknown dtype '" + d + "'" + help));
                t = t.substring(0, at).trim();
            }
            String[][] byteUnits = {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}, {"KB", "1e3"},
                    {"MB", "1e6"}, {"GB", "1e9"}, {"B", "1"}};
            for (String[] u : byteUnits) {
                if (t.endsWith(u[0])) {
                    double v = Double.parseDouble(t.substring(0, t.length() - u[0].length()).trim()) * Double.parseDouble(u[1]);
                    return bytes(wholeAmount(v, text, help), dtype);
                }
            }
            if (at >= 0) {
                throw new IllegalArgumentException("a dtype goes with a byte budget such as 1.5GB@bf16" + help);
            }
            double scale = 1;
            char last = t.charAt(t.length() - 1);
            if (last == 'k' || last == 'K' || last == 'M' || last == 'G') {
                scale = last == 'G' ? 1e9 : last == 'M' ? 1e6 : 1e3;
                t = t.substring(0, t.length() - 1).trim();
            }
            double v = Double.parseDouble(t) * scale;
            if (scale == 1 && v > 0 && v <= 1 && (t.contains(".") || v < 1)) {
                return keptFraction(v);
            }
            return params(wholeAmount(v, text, help));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cannot read budget '" + text + "'" + help, e);
        }
    }

    private static long wholeAmount(double v, String text, String help) {
        if (!(v >= 0) || v > Long.MAX_VALUE || v != Math.rint(v)) {
            throw new IllegalArgumentException("budget '" + text + "' is not a whole, non-negative amount" + help);
        }
        return (long) v;
    }
}
