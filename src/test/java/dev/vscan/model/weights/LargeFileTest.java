package dev.vscan.model.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A tensor that starts past the 2 GiB mark is still readable, because each tensor is mapped on its own.
 * The file is sparse (a hole where the big tensor's bytes would be), so it costs no disk space.
 */
class LargeFileTest {

    private static final long BIG = (1L << 31) + 8;

    @TempDir
    Path tmp;

    @Test
    void tensorBeyondTwoGibibytesIsMappedOnItsOwn() throws IOException {
        Path file = tmp.resolve("big.safetensors");
        String json = "{\"big\":{\"dtype\":\"U8\",\"shape\":[" + BIG + "],\"data_offsets\":[0," + BIG + "]},"
                + "\"far\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[" + BIG + "," + (BIG + 8) + "]}}";
        byte[] header = json.getBytes(StandardCharsets.UTF_8);
        long dataStart = 8 + header.length;
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            out.write(prefix.array());
            out.write(header);
            out.seek(dataStart + BIG);
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(1.25f).putFloat(-7f).array());
        }

        try (SafetensorsReader reader = SafetensorsReader.open(file)) {
            assertEquals(dataStart + BIG, reader.info("far").dataBegin());
            assertArrayEquals(new float[] {1.25f, -7f}, reader.readFloat32("far"));
            CheckpointException e = assertThrows(CheckpointException.class, () -> reader.raw("big"));
            assertTrue(e.getMessage().startsWith("tensor big in " + file + " is 2147483656 bytes"), e.getMessage());
        }
    }
}
