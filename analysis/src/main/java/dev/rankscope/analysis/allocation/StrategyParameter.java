package dev.rankscope.analysis.allocation;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One parameter of an allocation strategy as the Budget tab's form, the CLI's
 * {@code --param name=value} and the plan JSON's {@code "strategy": {"parameters"}} see it
 * (SPEC §4–5). It names one component of the strategy's parameters record, in order; the record's
 * compact constructor stays the authority on validity, the range here is what forms and help show
 * (a test checks both agree at the boundaries for the built-in strategies). Immutable; any thread.
 *
 * @param name         the record component ({@code lrcDropShare}); form field ids use it
 * @param label        words for the form ({@code lrc drop share})
 * @param kind         value kind
 * @param defaultValue default, boxed as the component type (Double, Long, Integer, Boolean or the enum)
 * @param range        allowed numeric range for REAL/INTEGER, {@link Range#ANY} otherwise
 * @param choices      for CHOICE: the values with their command-line words; empty otherwise
 * @param help         one sentence for tooltips and {@code plan --help}
 */
public record StrategyParameter(String name, String label, Kind kind, Object defaultValue, Range range,
                                List<Choice> choices, String help) {

    /** Value kinds, each with its record component type. */
    public enum Kind {
        /** A {@code double}. */
        REAL,
        /** A {@code long} or {@code int}. */
        INTEGER,
        /** One constant of an enum. */
        CHOICE,
        /** A {@code boolean}. */
        FLAG
    }

    /**
     * A numeric interval; infinite ends mean unbounded.
     *
     * @param min          lower end
     * @param minInclusive whether {@code min} itself is allowed
     * @param max          upper end
     * @param maxInclusive whether {@code max} itself is allowed
     */
    public record Range(double min, boolean minInclusive, double max, boolean maxInclusive) {
        /** Every value. */
        public static final Range ANY = new Range(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);

        /** [min, ∞). */
        public static Range atLeast(double min) {
            return new Range(min, true, Double.POSITIVE_INFINITY, false);
        }

        /** [min, max). */
        public static Range halfOpen(double min, double max) {
            return new Range(min, true, max, false);
        }

        /** Whether {@code v} lies in the range (NaN never does). */
        public boolean contains(double v) {
            return (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
        }

        /** {@code [0, 1)}, {@code ≥ 0}, or empty for {@link #ANY}. */
        public String describe() {
            boolean lo = Double.isFinite(min);
            boolean hi = Double.isFinite(max);
            if (lo && hi) {
                return (minInclusive ? "[" : "(") + num(min) + ", " + num(max) + (maxInclusive ? "]" : ")");
            }
            if (lo) {
                return (minInclusive ? "≥ " : "> ") + num(min);
            }
            if (hi) {
                return (maxInclusive ? "≤ " : "< ") + num(max);
            }
            return "";
        }

        private static String num(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }
    }

    /**
     * One value of a CHOICE parameter.
     *
     * @param value   the enum constant
     * @param word    its command-line word ({@code normalized})
     * @param aliases other accepted words ({@code normalised})
     */
    public record Choice(Enum<?> value, String word, List<String> aliases) {
        public Choice {
            Objects.requireNonNull(value, "value");
            aliases = List.copyOf(aliases);
        }
    }

    public StrategyParameter {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(defaultValue, "defaultValue");
        Objects.requireNonNull(range, "range");
        choices = List.copyOf(choices);
        help = help == null ? "" : help;
        if ((kind == Kind.CHOICE) == choices.isEmpty()) {
            throw new IllegalArgumentException(name + ": a CHOICE parameter needs choices, other kinds none");
        }
    }

    /** A {@code double} parameter. */
    public static StrategyParameter real(String name, String label, double defaultValue, Range range, String help) {
        return new StrategyParameter(name, label, Kind.REAL, defaultValue, range, List.of(), help);
    }

    /** A {@code long} parameter. */
    public static StrategyParameter integer(String name, String label, long defaultValue, Range range, String help) {
        return new StrategyParameter(name, label, Kind.INTEGER, defaultValue, range, List.of(), help);
    }

    /** An enum parameter with its command-line words. */
    public static StrategyParameter choice(String name, String label, Enum<?> defaultValue, List<Choice> choices,
                                           String help) {
        return new StrategyParameter(name, label, Kind.CHOICE, defaultValue, Range.ANY, choices, help);
    }

    /** A {@code boolean} parameter. */
    public static StrategyParameter flag(String name, String label, boolean defaultValue, String help) {
        return new StrategyParameter(name, label, Kind.FLAG, defaultValue, Range.ANY, List.of(), help);
    }

    /** The command-line and plan-JSON name: {@code lrcDropShare} → {@code lrc_drop_share}. */
    public String key() {
        return key(name);
    }

    /** snake_case of a camelCase or kebab-case name. */
    static String key(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1_$2").replace('-', '_').toLowerCase(Locale.ROOT);
    }

    /** What the parameter accepts, for help and tooltips: {@code [0, 1)}, {@code raw | normalized}. */
    public String accepts() {
        return switch (kind) {
            case CHOICE -> String.join(" | ", choices.stream().map(Choice::word).toList());
            case FLAG -> "true | false";
            default -> {
                String r = range.describe();
                yield (kind == Kind.INTEGER ? "integer" : "number") + (r.isEmpty() ? "" : " " + r);
            }
        };
    }

    /**
     * Text to a value of this parameter's type: numbers in the ROOT locale ({@code _} allowed in
     * integers), choices by word, alias or constant name (any case), flags as true/false. The
     * range is left to the record's constructor, the authority on validity.
     *
     * @throws IllegalArgumentException with a one-line message
     */
    public Object parse(String text) {
        String s = text.trim();
        Object v;
        switch (kind) {
            case REAL -> {
                try {
                    v = Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException(label + " must be a number, got '" + text + "'");
                }
            }
            case INTEGER -> {
                try {
                    long l = Long.parseLong(s.replace("_", ""));
                    v = defaultValue instanceof Integer ? (Object) Math.toIntExact(l) : (Object) l;
                } catch (NumberFormatException | ArithmeticException e) {
                    throw new IllegalArgumentException(label + " must be an integer, got '" + text + "'");
                }
            }
            case FLAG -> {
                if (!s.equalsIgnoreCase("true") && !s.equalsIgnoreCase("false")) {
                    throw new IllegalArgumentException(label + " must be true or false, got '" + text + "'");
                }
                v = Boolean.parseBoolean(s);
            }
            default -> {
                v = null;
                for (Choice c : choices) {
                    List<String> words = new ArrayList<>(c.aliases());
                    words.add(c.word());
                    words.add(c.value().name());
                    if (words.stream().anyMatch(w -> w.equalsIgnoreCase(s))) {
                        v = c.value();
                    }
                }
                if (v == null) {
                    throw new IllegalArgumentException(label + " must be one of " + accepts().replace(" | ", ", ")
                            + ", got '" + text + "'");
                }
            }
        }
        return v;
    }

    /** The boxed type of the values: Double, Long, Integer, Boolean or the enum class. */
    public Class<?> valueType() {
        return defaultValue instanceof Enum<?> e ? e.getDeclaringClass() : defaultValue.getClass();
    }

    /**
     * Checks a value's type (the range is the record's to check).
     *
     * @throws IllegalArgumentException naming the parameter and what it accepts
     */
    public void check(Object value) {
        if (!valueType().isInstance(value)) {
            throw new IllegalArgumentException(label + " must be " + accepts() + ", got " + value);
        }
    }
}
