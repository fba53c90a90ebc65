package dev.vscan.model.weights;

/**
 * Conversions between float and the two 16-bit float formats. Java 17 has no
 * {@code Float.float16ToFloat}, and DJL aborts on BF16 arrays, so widening happens here in Java.
 * Narrowing rounds to nearest, ties to even, like PyTorch's {@code .half()} and {@code .bfloat16()}.
 */
public final class HalfPrecision {

    private HalfPrecision() {
    }

    /** IEEE 754 binary16 bits to float; exact for every input, NaN payloads kept. */
    public static float f16ToFloat(short half) {
        int bits = half & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        if (exponent == 0) {
            // Subnormal (or zero): mantissa counts units of 2^-24, exactly representable as float.
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /** Float to binary16 bits, round to nearest even; overflow gives infinity, tiny values zero. */
    public static short floatToF16(float value) {
        int bits = Float.floatToRawIntBits(value);
        int sign = (bits >>> 16) & 0x8000;
        int magnitude = bits & 0x7fffffff;
        if (magnitude >= 0x7f800000) {
            boolean nan = magnitude > 0x7f800000;
            return (short) (sign | 0x7c00 | (nan ? 0x200 | ((magnitude >>> 13) & 0x3ff) : 0));
        }
        if (magnitude >= 0x477ff000) {
            // 65520 and above: halfway past 65504 (odd mantissa), so ties round up to infinity.
            return (short) (sign | 0x7c00);
        }
        int exponent = magnitude >>> 23;
        int mantissa = magnitude & 0x7fffff;
        if (exponent < 113) {
            // Result is subnormal: count units of 2^-24.
            int shift = 126 - exponent;
            if (shift > 24) {
                return (short) sign;
            }
            int full = mantissa | 0x800000;
            return (short) (sign | roundShiftRightEven(full, shift));
        }
        int rounded = roundShiftRightEven(((exponent - 112) << 23) | mantissa, 13);
        return (short) (sign | rounded);
    }

    /** bfloat16 bits to float: the 16 bits are the upper half of a float. */
    public static float bf16ToFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /** Float to bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
    public static short floatToBf16(float value) {
        int bits = Float.floatToRawIntBits(value);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            return (short) ((bits >>> 16) | 0x40);
        }
        int lsb = (bits >>> 16) & 1;
        return (short) ((bits + 0x7fff + lsb) >>> 16);
    }

    /** value >> shift rounded to nearest, ties to even; a carry may move into the exponent, as intended. */
    private static int roundShiftRightEven(int value, int shift) {
        int quotient = value >>> shift;
        int remainder = value & ((1 << shift) - 1);
        int half = 1 << (shift - 1);
        if (remainder > half || (remainder == half && (quotient & 1) == 1)) {
            quotient++;
        }
        return quotient;
    }
}
