package dev.rankscope.engine.io.onnx;

import dev.rankscope.engine.tensor.TensorFormat;
import dev.rankscope.engine.tensor.TensorSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * ONNX models (SPEC §6). ONNX has no magic bytes, so a file is accepted when it is named
 * {@code *.onnx} and its first bytes parse as ModelProto fields (a known field number with the
 * wire type the schema gives it).
 */
public final class OnnxFormat implements TensorFormat {
    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public boolean accepts(Path path, byte[] head) {
        return !Files.isDirectory(path) && String.valueOf(path.getFileName()).toLowerCase(Locale.ROOT).endsWith(".onnx")
                && sniff(head);
    }

    /** True when {@code head} starts with one or more well-formed ModelProto fields. */
    static boolean sniff(byte[] head) {
        int p = 0;
        int fields = 0;
        while (p < head.length) {
            long tag = 0;
            int shift = 0;
            while (true) {
                if (p >= head.length || shift > 28) {
                    return fields > 0;
                }
                int b = head[p++] & 0xFF;
                tag |= (long) (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            int field = (int) (tag >>> 3);
            int wt = (int) (tag & 7);
            int expected = switch (field) {
                case 1, 5 -> 0; // ir_version, model_version
                case 2, 3, 4, 6, 7, 8, 14, 20, 25 -> 2;
                default -> -1;
            };
            if (wt != expected) {
                return false;
            }
            fields++;
            long len = 0;
            shift = 0;
            while (true) {
                if (p >= head.length || shift > 63) {
                    return true;
                }
                int b = head[p++] & 0xFF;
                len |= (long) (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (wt == 0) {
                continue;
            }
            if (len < 0) {
                return false;
            }
            if (p + len >= head.length) {
                return true;
            }
            p += (int) len;
        }
        return fields > 0;
    }

    @Override
    public TensorSource open(Path path) {
        return OnnxSource.open(path);
    }
}
