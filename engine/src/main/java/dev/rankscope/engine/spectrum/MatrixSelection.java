package dev.rankscope.engine.spectrum;

import java.util.Arrays;

/**
 * A sub-matrix of a stored matrix, by row and column indices (SPEC §7: fused QKV split, attention
 * per-head views). The base matrix is B (baseRows × baseCols) in (out, in) orientation, i.e.
 * after any transposition its {@link MatrixRef} declares; the selected matrix is
 * A[i][j] = B[rowIndex(i)][colIndex(j)]. Indices keep their given order (a q part of a
 * per-head-interleaved NeoX {@code query_key_value} is the rows 0..d-1, 3d..4d-1, … in order), so
 * A is exactly the block a modelling code's {@code view}/{@code split} produces. A null index
 * array means "every row/column in order". Immutable (arrays are copied in and out); equality is
 * by value.
 *
 * <p><b>Pooled conv slices</b> ({@link #pooledConv}, SPEC §7 "kh·kw slices pooled into one ESD",
 * WeightWatcher style): for a conv kernel (out, in, kh, kw) reshaped to B = (out, in·K), K = kh·kw,
 * the K matrices A_s[o][i] = B[o][i·K + s] (s = 0 … K−1) are each out × in; their singular values
 * are pooled into one spectrum of K·min(out, in) values. Such a selection stands for all K
 * slices: {@link #rowCount()} × {@link #colCount()} is one slice, {@link #slice(int)} gives each.
 */
public final class MatrixSelection {
    private final int baseRows;
    private final int baseCols;
    private final int[] rows;
    private final int[] cols;
    private final int poolSlices;
    private final boolean pooled;

    /**
     * @param baseRows rows of the base matrix (out)
     * @param baseCols columns of the base matrix (in)
     * @param rows     selected base rows in order, or null for all
     * @param cols     selected base columns in order, or null for all
     * @throws IllegalArgumentException when an index is out of range or a selection is empty
     */
    public MatrixSelection(int baseRows, int baseCols, int[] rows, int[] cols) {
        if (baseRows <= 0 || baseCols <= 0) {
            throw new IllegalArgumentException("base shape must be positive: " + baseRows + "×" + baseCols);
        }
        this.baseRows = baseRows;
        this.baseCols = baseCols;
        this.rows = check(rows, baseRows, "row");
        this.cols = check(cols, baseCols, "column");
        this.poolSlices = 1;
        this.pooled = false;
    }

    private MatrixSelection(int out, int inTimesK, int k) {
        if (out <= 0 || k < 1 || inTimesK <= 0 || inTimesK % k != 0) {
            throw new IllegalArgumentException("cannot pool " + k + " slices of a " + out + "×" + inTimesK + " matrix");
        }
        this.baseRows = out;
        this.baseCols = inTimesK;
        this.rows = null;
        this.cols = null;
        this.poolSlices = k;
        this.pooled = true;
    }

    /**
     * The K = kh·kw slices (out × in) of a conv kernel reshaped to (out, in·K), pooled (see class doc).
     *
     * @param out      kernel output channels
     * @param inTimesK in·kh·kw
     * @param k        kh·kw ≥ 1 (a 1×1 kernel is one slice: WeightWatcher still treats it as conv2d)
     */
    public static MatrixSelection pooledConv(int out, int inTimesK, int k) {
        return new MatrixSelection(out, inTimesK, k);
    }

    /** Slices whose spectra are pooled: K for {@link #pooledConv}, else 1. */
    public int poolSlices() {
        return poolSlices;
    }

    /** True for a {@link #pooledConv} selection (also of a single 1×1 slice). */
    public boolean pooled() {
        return pooled;
    }

    /** Slice {@code s} (0 ≤ s < K) of a pooled selection as a plain column selection: columns s, s+K, s+2K, … */
    public MatrixSelection slice(int s) {
        if (!pooled() || s < 0 || s >= poolSlices) {
            throw new IllegalArgumentException("no pooled slice " + s + " in " + this);
        }
        int in = baseCols / poolSlices;
        int[] c = new int[in];
        for (int i = 0; i < in; i++) {
            c[i] = i * poolSlices + s;
        }
        return new MatrixSelection(baseRows, baseCols, null, c);
    }

    /** Rows {@code [from, from+count)} of a base matrix, every column. */
    public static MatrixSelection rowBlock(int baseRows, int baseCols, int from, int count) {
        return new MatrixSelection(baseRows, baseCols, range(from, count), null);
    }

    /** Columns {@code [from, from+count)} of a base matrix, every row. */
    public static MatrixSelection colBlock(int baseRows, int baseCols, int from, int count) {
        return new MatrixSelection(baseRows, baseCols, null, range(from, count));
    }

    /** The indices {@code from, from+1, …, from+count-1}. */
    public static int[] range(int from, int count) {
        int[] r = new int[count];
        for (int i = 0; i < count; i++) {
            r[i] = from + i;
        }
        return r;
    }

    private static int[] check(int[] idx, int bound, String what) {
        if (idx == null) {
            return null;
        }
        if (idx.length == 0) {
            throw new IllegalArgumentException("empty " + what + " selection");
        }
        for (int i : idx) {
            if (i < 0 || i >= bound) {
                throw new IllegalArgumentException(what + " index " + i + " outside 0.." + (bound - 1));
            }
        }
        return idx.clone();
    }

    public int baseRows() {
        return baseRows;
    }

    public int baseCols() {
        return baseCols;
    }

    /** Rows of the selected matrix. */
    public int rowCount() {
        return rows == null ? baseRows : rows.length;
    }

    /** Columns of the selected matrix. */
    public int colCount() {
        return cols == null ? baseCols / poolSlices : cols.length;
    }

    /** Base row of selected row {@code i}. */
    public int rowIndex(int i) {
        return rows == null ? i : rows[i];
    }

    /** Base column of selected column {@code j}. */
    public int colIndex(int j) {
        return cols == null ? j : cols[j];
    }

    /** True when every column is selected in order. */
    public boolean allCols() {
        return cols == null;
    }

    /** True when every row is selected in order. */
    public boolean allRows() {
        return rows == null;
    }

    /** Selected base rows (a copy), or null for all. */
    public int[] rows() {
        return rows == null ? null : rows.clone();
    }

    /** Selected base columns (a copy), or null for all. */
    public int[] cols() {
        return cols == null ? null : cols.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MatrixSelection s && s.baseRows == baseRows && s.baseCols == baseCols
                && s.poolSlices == poolSlices && s.pooled == pooled && Arrays.equals(s.rows, rows) && Arrays.equals(s.cols, cols);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * (31 * (31 * baseRows + baseCols) + poolSlices) + Arrays.hashCode(rows)) + Arrays.hashCode(cols);
    }

    /**
     * Exact and deterministic (the spectrum cache keys refs by their text): the base shape and
     * the selected indices as runs, e.g. {@code MatrixSelection[24×8 rows 0-7,16-23 cols all]}.
     */
    @Override
    public String toString() {
        if (pooled()) {
            return "MatrixSelection[" + baseRows + "×" + baseCols + " pooled " + poolSlices + " conv slices]";
        }
        return "MatrixSelection[" + baseRows + "×" + baseCols + " rows " + runs(rows) + " cols " + runs(cols) + "]";
    }

    /** Indices as runs of consecutive values ({@code "0-7,16-23"}), or {@code "all"} for null. */
    public static String runs(int[] idx) {
        if (idx == null) {
            return "all";
        }
        StringBuilder sb = new StringBuilder();
        int start = 0;
        for (int i = 1; i <= idx.length; i++) {
            if (i == idx.length || idx[i] != idx[i - 1] + 1) {
                sb.append(sb.length() == 0 ? "" : ",").append(idx[start]);
                if (i - 1 > start) {
                    sb.append('-').append(idx[i - 1]);
                }
                start = i;
            }
        }
        return sb.toString();
    }
}
