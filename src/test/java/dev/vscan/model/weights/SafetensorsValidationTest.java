package dev.vscan.model.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Damaged files fail on open with a message that says what is wrong and where. */
class SafetensorsValidationTest {

    @TempDir
    Path tmp;

    @Test
    void fileShorterThanLengthPrefix() throws IOException {
        Path file = tmp.resolve("tiny.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertEquals("truncated file " + file + ": it is 3 bytes, shorter than the 8-byte header length prefix",
                openFailure(file));
    }

    @Test
    void headerLengthBeyondEndOfFile() throws IOException {
        Path file = tmp.resolve("short-header.safetensors");
        Files.write(file, concat(lengthPrefix(1000), "{}".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("truncated file " + file + ": header length 1000 bytes but only 2 bytes follow the length prefix",
                openFailure(file));
    }

    @Test
    void headerLengthAboveLimit() throws IOException {
        Path file = tmp.resolve("huge-header.safetensors");
        Files.write(file, concat(lengthPrefix(200_000_000L), new byte[16]));
        String message = openFailure(file);
        assertTrue(message.startsWith("bad header in " + file + ": declared header length 200000000 bytes exceeds"),
                message);
    }

    @Test
    void headerThatIsNotJson() throws IOException {
        Path file = tmp.resolve("garbage.safetensors");
        writeRaw(file, "this is not json", new byte[0]);
        assertTrue(openFailure(file).startsWith("bad header in " + file + ": not valid JSON"), openFailure(file));
    }

    @Test
    void headerThatIsNotAnObject() throws IOException {
        Path file = tmp.resolve("array.safetensors");
        writeRaw(file, "[1, 2]", new byte[0]);
        assertEquals("bad header in " + file + ": expected a JSON object but found ARRAY", openFailure(file));
    }

    @Test
    void dataSectionCutShort() throws IOException {
        Path file = tmp.resolve("cut.safetensors");
        new SafetensorsWriter()
                .add("a", DType.F32, new long[] {2}, new float[] {1, 2})
                .add("w", DType.F32, new long[] {2, 2}, new float[] {1, 2, 3, 4})
                .write(file);
        byte[] whole = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(whole, whole.length - 4));
        // "w" occupies data bytes 8..24; only 20 data bytes are left.
        assertEquals("truncated file " + file + ": tensor w needs bytes up to 24 but data section has 20",
                openFailure(file));
    }

    @Test
    void unsupportedDtypeNamesTensorAndDtype() throws IOException {
        Path file = tmp.resolve("fp8.safetensors");
        writeRaw(file, "{\"q\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}", new byte[2]);
        String message = openFailure(file);
        assertTrue(message.startsWith("tensor q in " + file + ": unsupported safetensors dtype 'F8_E4M3'"), message);
    }

    @Test
    void offsetsThatDoNotMatchShape() throws IOException {
        Path file = tmp.resolve("mismatch.safetensors");
        writeRaw(file, "{\"v\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[12]);
        assertEquals("bad header in " + file + ": data_offsets of tensor v in " + file
                + " span 8 bytes but shape [3] of F32 needs 12", openFailure(file));
    }

    @Test
    void overlappingTensors() throws IOException {
        Path file = tmp.resolve("overlap.safetensors");
        writeRaw(file, "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"y\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]);
        assertEquals("bad header in " + file + ": tensors x and y overlap in the data section", openFailure(file));
    }

    @Test
    void missingTensorNamesTensorAndFile() throws IOException {
        Path file = tmp.resolve("ok.safetensors");
        new SafetensorsWriter().add("a", DType.F32, new long[] {1}, new float[] {1}).write(file);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> reader.readFloat32("b"));
            assertEquals("safetensors file " + file + " has no tensor 'b'", e.getMessage());
        }
    }

    @Test
    void readInt64RefusesFloatTensors() throws IOException {
        Path file = tmp.resolve("floats.safetensors");
        new SafetensorsWriter().add("a", DType.BF16, new long[] {1}, new float[] {1}).write(file);
        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> reader.readInt64("a"));
            assertEquals("tensor a in " + file + " has dtype BF16; readInt64 needs an integer dtype", e.getMessage());
        }
    }

    private static String openFailure(Path file) {
        return assertThrows(CheckpointException.class, () -> SafetensorsReader.open(file).close()).getMessage();
    }

    private static void writeRaw(Path file, String header, byte[] data) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        Files.write(file, concat(concat(lengthPrefix(json.length), json), data));
    }

    private static byte[] lengthPrefix(long length) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(length).array();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
