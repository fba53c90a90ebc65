package dev.vscan.model.weights;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Element types a safetensors file may hold that this engine can read. */
public enum DType {
    BOOL(1), U8(1), I8(1), I16(2), U16(2), F16(2), BF16(2), I32(4), U32(4), F32(4), F64(8), I64(8), U64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Bytes one element occupies in the file. */
    public int byteSize() {
        return byteSize;
    }

    /** The dtype string used in safetensors headers, e.g. {@code "BF16"}. */
    public String safetensorsName() {
        return name();
    }

    /** True for the floating-point types (F16, BF16, F32, F64). */
    public boolean isFloatingPoint() {
        return this == F16 || this == BF16 || this == F32 || this == F64;
    }

    /**
     * Parses a safetensors dtype string.
     *
     * @throws IllegalArgumentException for types this engine does not read (for example the 8-bit floats
     *         F8_E4M3 and F8_E5M2); the message names the dtype and the supported ones
     */
    public static DType fromSafetensors(String name) {
        for (DType type : values()) {
            if (type.name().equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unsupported safetensors dtype '" + name + "'; supported: "
                + Arrays.stream(values()).map(DType::name).collect(Collectors.joining(", ")));
    }
}
