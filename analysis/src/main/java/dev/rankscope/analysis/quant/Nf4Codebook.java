package dev.rankscope.analysis.quant;

/**
 * The 16-value NormalFloat-4 codebook of QLoRA (Dettmers et al. 2023, "QLoRA: Efficient Finetuning
 * of Quantized LLMs", arXiv 2305.14314; SPEC §9): each bin has equal area under N(0, 1), normalised
 * to [−1, 1], with an exact zero. The constants are bitsandbytes' own
 * ({@code bitsandbytes/functional.py}, {@code get_4bit_type("nf4")}), which hold them as float32:
 * the double literals below are those float32 values printed exactly, so the code index of a
 * value and its reconstruction match bitsandbytes bit for bit.
 */
public final class Nf4Codebook {
    private static final double[] CODES = {
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453,
        -0.28444138169288635, -0.18477343022823334, -0.09105003625154495, 0.0,
        0.07958029955625534, 0.16093020141124725, 0.24611230194568634, 0.33791524171829224,
        0.44070982933044434, 0.5626170039176941, 0.7229568362236023, 1.0,
    };

    private Nf4Codebook() {
    }

    /** The 16 codes, ascending (a copy). */
    public static double[] codes() {
        return CODES.clone();
    }

    /** Code value for index 0..15. */
    public static double value(int index) {
        return CODES[index];
    }

    /**
     * Index of the code nearest to {@code x} (x normally in [−1, 1]); an exact tie between two codes
     * goes to the lower one (bitsandbytes compares {@code x > midpoint}).
     */
    public static int nearest(double x) {
        int lo = 0;
        for (int i = 1; i < CODES.length; i++) {
            double mid = 0.5 * (CODES[i - 1] + CODES[i]);
            if (x > mid) {
                lo = i;
            } else {
                break;
            }
        }
        return lo;
    }
}
