package dev.rankscope.tests.hostile.gen;

/**
 * PyTorch ≥ 1.6 checkpoints (SPEC §6): a zip holding {@code <archive>/data.pkl},
 * {@code <archive>/data/<key>} little-endian storages and {@code <archive>/version}.
 */
public final class TorchBytes {
    private TorchBytes() {
    }

    /** A valid checkpoint of F32 tensors with the given shapes and values. */
    public static byte[] valid(String[] names, long[][] shapes, float[][] values) {
        ZipBytes zip = new ZipBytes().stored("archive/data.pkl", PickleBytes.stateDict(names, shapes));
        for (int i = 0; i < names.length; i++) {
            zip.stored("archive/data/" + i, Bytes.f32s(values[i]));
        }
        return zip.stored("archive/version", "3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray();
    }

    /** The standard small checkpoint: w (3×4) and b (4). */
    public static byte[] small() {
        return valid(new String[] {"layer.0.weight", "layer.0.bias"}, new long[][] {{3, 4}, {4}},
                new float[][] {Bytes.ramp(12), Bytes.ramp(4)});
    }

    /** A checkpoint zip whose data.pkl is {@code pickle} (no storages). */
    public static byte[] withPickle(byte[] pickle) {
        return new ZipBytes().stored("archive/data.pkl", pickle)
                .stored("archive/version", "3\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII)).toArray();
    }
}
