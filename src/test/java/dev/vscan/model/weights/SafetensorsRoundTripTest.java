package dev.vscan.model.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsRoundTripTest {

    @TempDir
    Path tmp;

    @Test
    void f32ValuesComeBackExactly() throws Exception {
        Path file = tmp.resolve("f32.safetensors");
        float[] values = {1.0f, -2.5f, 65504f, 1e-8f, 0.1f, Float.MIN_VALUE};
        new SafetensorsWriter().add("w", DType.F32, new long[] {2, 3}, values).write(file);

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            TensorInfo info = reader.info("w");
            assertEquals(DType.F32, info.dtype());
            assertArrayEquals(new long[] {2, 3}, info.shape());
            assertEquals(6, info.numElements());
            assertEquals(24, info.byteLength());
            assertArrayEquals(values, reader.readFloat32("w"));
            ByteBuffer buffer = reader.readFloat32Buffer("w");
            assertTrue(buffer.isDirect());
            assertEquals(ByteOrder.LITTLE_ENDIAN, buffer.order());
            assertEquals(24, buffer.remaining());
            assertEquals(-2.5f, buffer.getFloat(4));
        }
    }

    @Test
    void f16RoundsToNearestEvenAndDecodesExactly() throws Exception {
        Path file = tmp.resolve("f16.safetensors");
        float[] values = {1.0f, -2.5f, 65504f, 1e-8f, 0.1f, 65520f, 1e-5f, 0x1p-24f};
        new SafetensorsWriter().add("h", DType.F16, new long[] {8}, values).write(file);

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            // Hand-encoded binary16: 0.1 -> exponent -4, mantissa round(0.6*1024)=614 -> 0x2E66;
            // 65520 is the tie above 65504 (odd mantissa) -> infinity; 1e-5 -> 168 units of 2^-24.
            short[] expectedBits = {0x3C00, (short) 0xC100, 0x7BFF, 0x0000, 0x2E66, 0x7C00, 0x00A8, 0x0001};
            ByteBuffer raw = reader.raw("h");
            for (int i = 0; i < expectedBits.length; i++) {
                assertEquals(expectedBits[i], raw.getShort(2 * i), "element " + i);
            }
            float[] expected = {1.0f, -2.5f, 65504f, 0f, 0.0999755859375f, Float.POSITIVE_INFINITY,
                    1.0013580322265625e-05f, 5.9604644775390625e-08f};
            assertArrayEquals(expected, reader.readFloat32("h"));
            assertEquals(0.0999755859375f, reader.readFloat32Buffer("h").getFloat(16));
        }
    }

    @Test
    void f16TiesGoToTheEvenNeighbour() throws Exception {
        Path file = tmp.resolve("ties.safetensors");
        // Spacing is 2 in [2048, 4096): 2049 sits between 2048 (even) and 2050, 2051 between 2050 and 2052 (even).
        // Among subnormals (units of 2^-24): 0.5 unit -> 0, 1.5 units -> 2 units.
        float[] values = {2049f, 2051f, 0x1p-25f, 0x3p-25f};
        new SafetensorsWriter().add("t", DType.F16, new long[] {4}, values).write(file);

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertArrayEquals(new float[] {2048f, 2052f, 0f, 0x1p-23f}, reader.readFloat32("t"));
        }
    }

    @Test
    void bf16RoundsToNearestEven() throws Exception {
        Path file = tmp.resolve("bf16.safetensors");
        // 1 + 2^-8 is half an ulp above 1.0 (even) -> 1.0; 1 + 3*2^-8 is the tie between 0x3F81 and 0x3F82 -> 0x3F82.
        float[] values = {1.00390625f, 1.01171875f, -2.5f, 3.14159265f};
        new SafetensorsWriter().add("b", DType.BF16, new long[] {4}, values).write(file);

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            ByteBuffer raw = reader.raw("b");
            assertEquals(0x3F80, raw.getShort(0));
            assertEquals(0x3F82, raw.getShort(2));
            assertEquals((short) 0xC020, raw.getShort(4));
            assertEquals(0x4049, raw.getShort(6));
            assertArrayEquals(new float[] {1.0f, 1.015625f, -2.5f, 3.140625f}, reader.readFloat32("b"));
        }
    }

    @Test
    void int64TensorsReadAsLongsAndFloats() throws Exception {
        Path file = tmp.resolve("i64.safetensors");
        ByteBuffer bytes = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
        bytes.putLong(-1).putLong(0).putLong(1L << 40);
        new SafetensorsWriter().add("ids", DType.I64, new long[] {3}, bytes.array()).write(file);

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertArrayEquals(new long[] {-1, 0, 1L << 40}, reader.readInt64("ids"));
            assertArrayEquals(new float[] {-1f, 0f, 1099511627776f}, reader.readFloat32("ids"));
        }
    }

    @Test
    void headerIsSortedJsonPaddedWithSpacesToMultipleOfEight() throws Exception {
        Path file = tmp.resolve("one.safetensors");
        new SafetensorsWriter().add("a", DType.F32, new long[] {2}, new float[] {1, 2}).write(file);

        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        // 85 bytes of JSON, then 3 spaces to reach 88.
        String json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"data_offsets\":[0,8],\"dtype\":\"F32\",\"shape\":[2]}}";
        assertEquals(88, headerLength);
        assertEquals(json + "   ", header);
        assertEquals(8 + 88 + 8, bytes.length);
        assertEquals(2f, ByteBuffer.wrap(bytes, 8 + 88 + 4, 4).order(ByteOrder.LITTLE_ENDIAN).getFloat());
    }

    @Test
    void sameTensorsGiveIdenticalBytesWhateverTheOrderAdded() throws Exception {
        Path first = tmp.resolve("first.safetensors");
        Path second = tmp.resolve("second.safetensors");
        new SafetensorsWriter()
                .add("z.weight", DType.F16, new long[] {2}, new float[] {1, 2})
                .add("a.bias", DType.BF16, new long[] {1}, new float[] {3})
                .metadata("source", "test")
                .write(first);
        new SafetensorsWriter()
                .metadata("source", "test")
                .add("a.bias", DType.BF16, new long[] {1}, new float[] {3})
                .add("z.weight", DType.F16, new long[] {2}, new float[] {1, 2})
                .write(second);

        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
        try (SafetensorsReader reader = SafetensorsReader.open(first)) {
            assertEquals(List.of("a.bias", "z.weight"), List.copyOf(reader.tensors().keySet()));
            assertEquals(Map.of("format", "pt", "source", "test"), reader.metadata());
        }
    }

    @Test
    void writerRejectsValueCountThatDoesNotMatchShape() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new SafetensorsWriter().add("w", DType.F32, new long[] {2, 2}, new float[] {1, 2, 3}));
        assertEquals("tensor w: 3 values given but shape [2, 2] needs 4", e.getMessage());
    }

    @Test
    void unknownDtypeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DType.fromSafetensors("F8_E4M3"));
        assertTrue(e.getMessage().startsWith("unsupported safetensors dtype 'F8_E4M3'"), e.getMessage());
        assertEquals(DType.BF16, DType.fromSafetensors("BF16"));
        assertEquals(2, DType.BF16.byteSize());
        assertEquals(8, DType.I64.byteSize());
    }
}
