package dev.rankscope.engine.testing;

import dev.rankscope.engine.tensor.DType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Writes NumPy {@code .npy} bytes like {@code np.save} (header dict padded with spaces to a
 * multiple of 64 bytes and ended by a newline; version 1.0, 2.0 or 3.0) in C or Fortran order
 * and either byte order. Test code only.
 */
public final class NpyTestWriter {
    private static final Map<DType, String> KIND = Map.ofEntries(Map.entry(DType.F16, "f2"), Map.entry(DType.F32, "f4"),
            Map.entry(DType.F64, "f8"), Map.entry(DType.I8, "i1"), Map.entry(DType.I16, "i2"), Map.entry(DType.I32, "i4"),
            Map.entry(DType.I64, "i8"), Map.entry(DType.U8, "u1"), Map.entry(DType.U16, "u2"), Map.entry(DType.U32, "u4"),
            Map.entry(DType.U64, "u8"), Map.entry(DType.BOOL, "b1"));

    private NpyTestWriter() {
    }

    /** The NumPy descr of {@code dtype}: {@code <f4}, {@code >i8}, {@code |u1}... */
    public static String descr(DType dtype, ByteOrder order) {
        String kind = KIND.get(dtype);
        if (dtype.bytesPerBlock() == 1) {
            return "|" + kind;
        }
        return (order == ByteOrder.BIG_ENDIAN ? ">" : "<") + kind;
    }

    /**
     * @param cOrderValues element values in C order of {@code shape}; written in Fortran order when asked
     */
    public static byte[] npy(DType dtype, ByteOrder order, boolean fortran, long[] shape, double[] cOrderValues, int version) {
        return npy(descr(dtype, order), dtype, order, fortran, shape, cOrderValues, version);
    }

    public static byte[] npy(String descr, DType dtype, ByteOrder order, boolean fortran, long[] shape,
                             double[] cOrderValues, int version) {
        StringBuilder shapeText = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            shapeText.append(shape[i]).append(shape.length == 1 ? "," : i + 1 < shape.length ? ", " : "");
        }
        shapeText.append(')');
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shapeText + ", }";
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + dict.length() + 1;
        int padded = (total + 63) / 64 * 64;
        String header = dict + " ".repeat(padded - total) + "\n";
        byte[] h = header.getBytes(version >= 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        ByteBuffer len = ByteBuffer.allocate(prefix - 8).order(ByteOrder.LITTLE_ENDIAN);
        if (version == 1) {
            len.putShort((short) h.length);
        } else {
            len.putInt(h.length);
        }
        out.writeBytes(len.array());
        out.writeBytes(h);
        double[] data = fortran ? toFortran(shape, cOrderValues) : cOrderValues;
        out.writeBytes(TestEncoding.encode(dtype, data, order));
        return out.toByteArray();
    }

    /** Reorders C-order values into Fortran (column-major) order. */
    public static double[] toFortran(long[] shape, double[] c) {
        double[] f = new double[c.length];
        int r = shape.length;
        long[] idx = new long[r];
        for (int lin = 0; lin < c.length; lin++) {
            long rem = lin;
            for (int i = r - 1; i >= 0; i--) {
                idx[i] = rem % shape[i];
                rem /= shape[i];
            }
            long fl = 0;
            long mul = 1;
            for (int i = 0; i < r; i++) {
                fl += idx[i] * mul;
                mul *= shape[i];
            }
            f[(int) fl] = c[lin];
        }
        return f;
    }
}
