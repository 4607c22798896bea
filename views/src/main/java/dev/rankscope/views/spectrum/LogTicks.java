package dev.rankscope.views.spectrum;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a log axis puts its labelled ticks, so that neighbouring labels keep {@link #LABEL_GAP} pixels of free space
 * and a short range still gets two labels or more. Candidates are tried family by family, coarsest first: whole
 * decades (every 20 … 1 decades), then mantissas 1-3 and 1-2-5 in each decade, then evenly spaced round numbers
 * (5, 2, 1 × 10ᵏ); a family is taken when its finest candidate that fits has {@link #ENOUGH} labels. So six decades
 * read 10⁻⁵ … 10⁰, a scree plot over 1.5 decades reads 0.1 0.2 0.5 1 2 (it read 10^-1.1 10^-1.0 … 10^0.4, one label
 * every 17 px), and σ 0.12 … 0.3 reads 0.15 0.2 0.25 0.3. Pure arithmetic: the axis supplies pixel positions and
 * label lengths through {@link Geometry}.
 */
final class LogTicks {
    /** Free space, in pixels, wanted between two neighbouring tick labels. */
    static final double LABEL_GAP = 20;
    /** Labels a family needs before a finer family is not tried. */
    static final int ENOUGH = 3;
    /** With less free space than this, labels are too close even as a last resort. */
    private static final double LAST_RESORT_GAP = 3;
    private static final int[] DECADE_STRIDES = {20, 10, 5, 3, 2, 1};
    private static final int[][] MANTISSAS = {{1, 3}, {1, 2, 5}};
    private static final int[] LINEAR_DIGITS = {5, 2, 1};
    /** Labels between 10⁻³ and 10⁴ are written as plain numbers (0.002, 500), others as m×10ᵏ. */
    private static final BigDecimal PLAIN_LOW = new BigDecimal("0.001");
    private static final BigDecimal PLAIN_HIGH = new BigDecimal("10000");

    private LogTicks() {
    }

    /** A tick label: {@code text}, then {@code exponent} as a superscript (null: none), e.g. "10" "-3", "0.5" null. */
    record Label(String text, String exponent) {
        /** The label on one line, the exponent after '^' (for messages and tests). */
        String plain() {
            return exponent == null ? text : text + "^" + exponent;
        }
    }

    /** A labelled tick at {@code value}. */
    record Tick(double value, Label label) {
    }

    /** The ticks of one candidate: labelled major ticks in increasing value, unlabelled minor ticks. */
    record Layout(List<Tick> major, List<Double> minor) {
        static final Layout NONE = new Layout(List.of(), List.of());
    }

    /** The axis as the ticks see it: its length and where values and labels fall on it, in pixels. */
    interface Geometry {
        /** The axis length in pixels. */
        double length();

        /** Where {@code value} lies along the axis, in pixels. */
        double position(double value);

        /** How long {@code label} is along the axis, in pixels (its height on a vertical axis). */
        double extent(Label label);
    }

    /** The ticks for the range [{@code lo}, {@code hi}] ({@code 0 < lo < hi}) on an axis of geometry {@code g}. */
    static Layout choose(double lo, double hi, Geometry g) {
        if (!(lo > 0 && hi > lo * (1 + 1e-9) && Double.isFinite(hi))) {
            return Layout.NONE;
        }
        List<List<Layout>> families = families(lo, hi, g);
        Layout fallback = null;
        for (List<Layout> family : families) {
            Layout finest = finestFitting(family, g, LABEL_GAP);
            if (finest != null && finest.major().size() >= ENOUGH) {
                return finest;
            }
            if (fallback == null && finest != null && finest.major().size() >= 2) {
                fallback = finest;
            }
        }
        if (fallback != null) {
            return fallback;
        }
        // an axis too short for the gap: two labels that do not touch, else the one label that fits
        Layout one = null;
        for (List<Layout> family : families) {
            Layout finest = finestFitting(family, g, LAST_RESORT_GAP);
            if (finest != null && finest.major().size() >= 2) {
                return finest;
            }
            one = one == null ? finest : one;
        }
        return one == null ? Layout.NONE : one;
    }

    private static Layout finestFitting(List<Layout> candidates, Geometry g, double gap) {
        Layout finest = null;
        for (Layout c : candidates) {
            if (!c.major().isEmpty() && fits(c.major(), g, gap)) {
                finest = c;
            }
        }
        return finest;
    }

    /** True when every two neighbouring labels of {@code ticks} keep {@code gap} pixels between them. */
    static boolean fits(List<Tick> ticks, Geometry g, double gap) {
        for (int i = 1; i < ticks.size(); i++) {
            Tick a = ticks.get(i - 1);
            Tick b = ticks.get(i);
            double distance = Math.abs(g.position(b.value()) - g.position(a.value()));
            if (distance < (g.extent(a.label()) + g.extent(b.label())) / 2 + gap) {
                return false;
            }
        }
        return true;
    }

    /** The three families, each a list of candidates from coarse to fine. */
    private static List<List<Layout>> families(double lo, double hi, Geometry g) {
        int maxTicks = (int) Math.min(1000, g.length() / LABEL_GAP + 2);
        List<Layout> decades = new ArrayList<>();
        for (int stride : DECADE_STRIDES) {
            decades.add(decades(lo, hi, stride));
        }
        List<Layout> mantissas = new ArrayList<>();
        for (int[] set : MANTISSAS) {
            mantissas.add(mantissas(lo, hi, set));
        }
        return List.of(decades, mantissas, linear(lo, hi, maxTicks));
    }

    private static boolean inRange(double v, double lo, double hi) {
        return v >= lo * (1 - 1e-12) && v <= hi * (1 + 1e-12);
    }

    /** 10^e for every e that is a multiple of {@code stride}; minor ticks at 2…9 × 10^e or at the decades between. */
    private static Layout decades(double lo, double hi, int stride) {
        int first = (int) Math.floor(Math.log10(lo)) - 1;
        int last = (int) Math.ceil(Math.log10(hi)) + 1;
        List<Tick> major = new ArrayList<>();
        List<Double> minor = new ArrayList<>();
        for (int e = first; e <= last; e++) {
            double v = decimal(1, e).doubleValue();
            boolean labelled = Math.floorMod(e, stride) == 0;
            if (inRange(v, lo, hi)) {
                if (labelled) {
                    major.add(new Tick(v, new Label("10", Integer.toString(e))));
                } else {
                    minor.add(v);
                }
            }
            for (int m = 2; stride == 1 && m <= 9; m++) {
                addIfInRange(minor, decimal(m, e).doubleValue(), lo, hi);
            }
        }
        return new Layout(major, minor);
    }

    /** m × 10^e for m in {@code set} in every decade; minor ticks at the other whole mantissas. */
    private static Layout mantissas(double lo, double hi, int[] set) {
        int first = (int) Math.floor(Math.log10(lo)) - 1;
        int last = (int) Math.ceil(Math.log10(hi)) + 1;
        List<BigDecimal> values = new ArrayList<>();
        List<Double> minor = new ArrayList<>();
        for (int e = first; e <= last; e++) {
            for (int m = 1; m <= 9; m++) {
                BigDecimal v = decimal(m, e);
                if (inRange(v.doubleValue(), lo, hi)) {
                    if (contains(set, m)) {
                        values.add(v);
                    } else {
                        minor.add(v.doubleValue());
                    }
                }
            }
        }
        return new Layout(labelled(values, Integer.MIN_VALUE), minor);
    }

    /**
     * Round numbers j × step, step = 5, 2, 1 × 10ᵏ from about the range's width down to a step that would give more
     * than {@code maxTicks} labels.
     */
    private static List<Layout> linear(double lo, double hi, int maxTicks) {
        List<Layout> out = new ArrayList<>();
        int k = (int) Math.ceil(Math.log10(hi - lo));
        for (int guard = 0; guard < 60; k--) {
            for (int d : LINEAR_DIGITS) {
                guard++;
                BigDecimal step = decimal(d, k);
                double s = step.doubleValue();
                long from = (long) Math.ceil(lo / s - 1e-9);
                long to = (long) Math.floor(hi / s + 1e-9);
                if (to - from + 1 > maxTicks) {
                    return out;
                }
                List<BigDecimal> values = new ArrayList<>();
                for (long j = Math.max(from, 1); j <= to; j++) {
                    values.add(step.multiply(BigDecimal.valueOf(j)));
                }
                out.add(new Layout(labelled(values, step.stripTrailingZeros().scale()), List.of()));
            }
        }
        return out;
    }

    /**
     * The ticks at {@code values}: plain numbers when all lie in [10⁻³, 10⁴), else m×10ᵏ; with {@code scale} the
     * least number of decimals a plain label shows (the step's, so 1.0000 1.0005 1.0010), MIN_VALUE for none.
     */
    private static List<Tick> labelled(List<BigDecimal> values, int scale) {
        boolean plain = values.stream().allMatch(v -> v.compareTo(PLAIN_LOW) >= 0 && v.compareTo(PLAIN_HIGH) < 0);
        List<Tick> out = new ArrayList<>();
        for (BigDecimal v : values) {
            out.add(new Tick(v.doubleValue(), plain ? new Label(plain(v, scale), null) : scientific(v, scale)));
        }
        return out;
    }

    private static String plain(BigDecimal v, int scale) {
        BigDecimal s = v.stripTrailingZeros();
        return s.setScale(Math.max(0, Math.max(s.scale(), scale)), RoundingMode.UNNECESSARY).toPlainString();
    }

    /** v = m × 10^e written "m×10" with e raised, "10" alone when m is 1. */
    private static Label scientific(BigDecimal v, int scale) {
        BigDecimal s = v.stripTrailingZeros();
        int e = s.precision() - s.scale() - 1;
        BigDecimal m = s.movePointLeft(e);
        int decimals = Math.max(m.scale(), scale == Integer.MIN_VALUE ? 0 : scale + e);
        String mantissa = m.setScale(Math.max(0, decimals), RoundingMode.HALF_EVEN).toPlainString();
        return new Label(mantissa.equals("1") ? "10" : mantissa + "×10", Integer.toString(e));
    }

    private static BigDecimal decimal(int digit, int exponent) {
        return BigDecimal.valueOf(digit).scaleByPowerOfTen(exponent);
    }

    private static void addIfInRange(List<Double> out, double v, double lo, double hi) {
        if (inRange(v, lo, hi)) {
            out.add(v);
        }
    }

    private static boolean contains(int[] set, int m) {
        for (int s : set) {
            if (s == m) {
                return true;
            }
        }
        return false;
    }
}
