package dev.rankscope.engine.tensor;

import java.util.Locale;
import java.util.Optional;

/**
 * Element types Rankscope can read. Plain types store one element in {@link #bytesPerBlock()}
 * bytes ({@link #elementsPerBlock()} = 1); block-quantised GGUF types store
 * {@link #elementsPerBlock()} elements in {@link #bytesPerBlock()} bytes. Names follow
 * safetensors (SPEC §6) for plain types and ggml for quantised ones.
 */
public enum DType {
    BOOL(1, 1, Kind.BOOL),
    U8(1, 1, Kind.UINT),
    I8(1, 1, Kind.INT),
    F8_E5M2(1, 1, Kind.FLOAT),
    F8_E4M3(1, 1, Kind.FLOAT),
    I16(2, 1, Kind.INT),
    U16(2, 1, Kind.UINT),
    F16(2, 1, Kind.FLOAT),
    BF16(2, 1, Kind.FLOAT),
    I32(4, 1, Kind.INT),
    U32(4, 1, Kind.UINT),
    F32(4, 1, Kind.FLOAT),
    I64(8, 1, Kind.INT),
    U64(8, 1, Kind.UINT),
    F64(8, 1, Kind.FLOAT),
    /** ggml Q4_0: 32 elements, f16 scale + 16 nibble bytes. */
    Q4_0(18, 32, Kind.QUANTIZED),
    /** ggml Q4_1: 32 elements, f16 scale, f16 min, 16 nibble bytes. */
    Q4_1(20, 32, Kind.QUANTIZED),
    /** ggml Q5_0: 32 elements, f16 scale, 4 high-bit bytes, 16 nibble bytes. */
    Q5_0(22, 32, Kind.QUANTIZED),
    /** ggml Q5_1: 32 elements, f16 scale, f16 min, 4 high-bit bytes, 16 nibble bytes. */
    Q5_1(24, 32, Kind.QUANTIZED),
    /** ggml Q8_0: 32 elements, f16 scale + 32 int8. */
    Q8_0(34, 32, Kind.QUANTIZED),
    Q2_K(84, 256, Kind.QUANTIZED),
    Q3_K(110, 256, Kind.QUANTIZED),
    Q4_K(144, 256, Kind.QUANTIZED),
    Q5_K(176, 256, Kind.QUANTIZED),
    Q6_K(210, 256, Kind.QUANTIZED);

    /** Coarse numeric family. */
    public enum Kind { BOOL, INT, UINT, FLOAT, QUANTIZED }

    private final int bytesPerBlock;
    private final int elementsPerBlock;
    private final Kind kind;

    DType(int bytesPerBlock, int elementsPerBlock, Kind kind) {
        this.bytesPerBlock = bytesPerBlock;
        this.elementsPerBlock = elementsPerBlock;
        this.kind = kind;
    }

    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    public int elementsPerBlock() {
        return elementsPerBlock;
    }

    public Kind kind() {
        return kind;
    }

    /** True for block-quantised formats; spectra of such weights are labelled "quantised". */
    public boolean isQuantized() {
        return kind == Kind.QUANTIZED;
    }

    /**
     * Bytes needed for {@code numel} elements, or -1 when {@code numel} is not a whole number of
     * blocks or the result overflows a long.
     */
    public long byteSize(long numel) {
        if (numel < 0 || numel % elementsPerBlock != 0) {
            return -1;
        }
        long blocks = numel / elementsPerBlock;
        try {
            return Math.multiplyExact(blocks, (long) bytesPerBlock);
        } catch (ArithmeticException overflow) {
            return -1;
        }
    }

    /** Looks a dtype up by its safetensors/ggml name, case-insensitively. */
    public static Optional<DType> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Optional.empty();
        }
    }
}
