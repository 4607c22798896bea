package dev.rankscope.tests.hostile.gen;

/** NumPy {@code .npy} (format v1–v3) and {@code .npz} (a zip of {@code .npy}) files. */
public final class NpyBytes {
    private NpyBytes() {
    }

    /** A .npy file with header dict text {@code dict} (padded to 64-byte alignment) and raw data. */
    public static byte[] npy(int major, String dict, byte[] data) {
        int lenBytes = major == 1 ? 2 : 4;
        int pre = 6 + 2 + lenBytes;
        StringBuilder h = new StringBuilder(dict);
        while ((pre + h.length() + 1) % 64 != 0) {
            h.append(' ');
        }
        h.append('\n');
        Bytes b = new Bytes().u8(0x93).ascii("NUMPY").u8(major).u8(0);
        if (lenBytes == 2) {
            b.u16(h.length());
        } else {
            b.u32(h.length());
        }
        return b.ascii(h.toString()).bytes(data).toArray();
    }

    /** A float32 little-endian C-order array header for {@code shape} (Python tuple text, e.g. {@code (3, 4)}). */
    public static String f32Dict(String shape) {
        return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    }

    /** A valid 3×4 float32 array. */
    public static byte[] small() {
        return npy(1, f32Dict("(3, 4)"), Bytes.f32s(Bytes.ramp(12)));
    }

    /** A valid .npz holding arrays {@code w} (3×4) and {@code b} (4,). */
    public static byte[] smallNpz() {
        return new ZipBytes().stored("w.npy", small())
                .stored("b.npy", npy(1, f32Dict("(4,)"), Bytes.f32s(Bytes.ramp(4)))).toArray();
    }
}
