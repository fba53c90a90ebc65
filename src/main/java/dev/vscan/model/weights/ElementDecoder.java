package dev.vscan.model.weights;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Decodes little-endian tensor bytes of any supported dtype into float or long arrays. */
final class ElementDecoder {

    private ElementDecoder() {
    }

    static void toFloats(DType dtype, ByteBuffer source, float[] out) {
        ByteBuffer in = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> in.asFloatBuffer().get(out);
            case F64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = (float) in.getDouble();
                }
            }
            case F16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfPrecision.f16ToFloat(in.getShort());
                }
            }
            case BF16 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = HalfPrecision.bf16ToFloat(in.getShort());
                }
            }
            case U64 -> {
                for (int i = 0; i < out.length; i++) {
                    out[i] = unsignedLongToFloat(in.getLong());
                }
            }
            default -> {
                long[] longs = new long[out.length];
                toLongs(dtype, in, longs);
                for (int i = 0; i < out.length; i++) {
                    out[i] = longs[i];
                }
            }
        }
    }

    static void toLongs(DType dtype, ByteBuffer source, long[] out) {
        ByteBuffer in = source.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (dtype) {
                case BOOL, U8 -> in.get() & 0xffL;
                case I8 -> in.get();
                case I16 -> in.getShort();
                case U16 -> in.getShort() & 0xffffL;
                case I32 -> in.getInt();
                case U32 -> in.getInt() & 0xffffffffL;
                case I64, U64 -> in.getLong();
                default -> throw new IllegalArgumentException("not an integer dtype: " + dtype);
            };
        }
    }

    private static float unsignedLongToFloat(long value) {
        if (value >= 0) {
            return value;
        }
        // Halve (keeping the low bit so rounding stays right), convert, double.
        return ((value >>> 1) | (value & 1)) * 2f;
    }
}
