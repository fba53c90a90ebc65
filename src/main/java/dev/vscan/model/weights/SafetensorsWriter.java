package dev.vscan.model.weights;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Collects tensors and writes one safetensors file. Output is deterministic: tensors are laid out in
 * name order, the header JSON has sorted keys and is padded with spaces to a multiple of 8 bytes, and
 * {@code __metadata__} holds {@code {"format":"pt"}} unless replaced.
 */
public final class SafetensorsWriter {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One tensor to write; {@code data} is little-endian and may be a mapping of another file. */
    record Entry(DType dtype, long[] shape, ByteBuffer data) {
    }

    private final Map<String, Entry> entries = new TreeMap<>();
    private final Map<String, String> metadata = new TreeMap<>(Map.of("format", "pt"));

    /** Encodes float values as F32, F16 or BF16 (16-bit types rounded to nearest even). */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, float[] values) {
        long count = checkedCount(name, shape);
        if (values.length != count) {
            throw new IllegalArgumentException("tensor " + name + ": " + values.length + " values given but shape "
                    + Arrays.toString(shape) + " needs " + count);
        }
        ByteBuffer data = ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.byteSize()))
                .order(ByteOrder.LITTLE_ENDIAN);
        switch (dtype) {
            case F32 -> data.asFloatBuffer().put(values);
            case F16 -> {
                for (float value : values) {
                    data.putShort(HalfPrecision.floatToF16(value));
                }
            }
            case BF16 -> {
                for (float value : values) {
                    data.putShort(HalfPrecision.floatToBf16(value));
                }
            }
            default -> throw new IllegalArgumentException("tensor " + name + ": float values can be written as"
                    + " F32, F16 or BF16, not " + dtype + "; pass raw bytes instead");
        }
        data.clear();
        return put(name, new Entry(dtype, shape.clone(), data));
    }

    /** Adds already-encoded little-endian bytes of any dtype. */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, byte[] rawLittleEndian) {
        return add(name, dtype, shape, ByteBuffer.wrap(rawLittleEndian.clone()));
    }

    /**
     * Adds little-endian bytes without copying them (for example a mapping from {@link SafetensorsReader#raw});
     * the buffer's remaining bytes are written and must stay valid until {@link #write} returns.
     */
    public SafetensorsWriter add(String name, DType dtype, long[] shape, ByteBuffer rawLittleEndian) {
        long bytes = Math.multiplyExact(checkedCount(name, shape), dtype.byteSize());
        if (rawLittleEndian.remaining() != bytes) {
            throw new IllegalArgumentException("tensor " + name + ": " + rawLittleEndian.remaining()
                    + " bytes given but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + bytes);
        }
        return put(name, new Entry(dtype, shape.clone(), rawLittleEndian.slice()));
    }

    /** Sets one {@code __metadata__} entry (the default holds format=pt). */
    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    /** Total tensor bytes added so far. */
    public long dataBytes() {
        return entries.values().stream().mapToLong(e -> e.data().remaining()).sum();
    }

    /** Names added so far, sorted. */
    public List<String> names() {
        return List.copyOf(entries.keySet());
    }

    /** Writes the file, replacing any existing one. */
    public void write(Path file) {
        byte[] header = header();
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length);
            writeAll(out, prefix.flip());
            writeAll(out, ByteBuffer.wrap(header));
            for (Entry entry : entries.values()) {
                writeAll(out, entry.data().duplicate());
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot write safetensors file " + file + ": " + e, e);
        }
    }

    Map<String, Entry> entries() {
        return entries;
    }

    private SafetensorsWriter put(String name, Entry entry) {
        if (entries.putIfAbsent(name, entry) != null) {
            throw new IllegalArgumentException("tensor " + name + " was already added");
        }
        return this;
    }

    private static long checkedCount(String name, long[] shape) {
        for (long dim : shape) {
            if (dim < 0) {
                throw new IllegalArgumentException("tensor " + name + " has a negative dimension: "
                        + Arrays.toString(shape));
            }
        }
        return TensorInfo.elementCount(shape);
    }

    private byte[] header() {
        Map<String, Object> root = new TreeMap<>();
        root.put("__metadata__", metadata);
        long offset = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            long end = offset + e.getValue().data().remaining();
            Map<String, Object> fields = new LinkedHashMap<>();
            // Keys in sorted order, so the whole header is sorted.
            fields.put("data_offsets", List.of(offset, end));
            fields.put("dtype", e.getValue().dtype().safetensorsName());
            fields.put("shape", e.getValue().shape());
            root.put(e.getKey(), fields);
            offset = end;
        }
        String json;
        try {
            json = JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a safetensors header", e);
        }
        byte[] utf8 = json.getBytes(StandardCharsets.UTF_8);
        int padded = (utf8.length + 7) / 8 * 8;
        byte[] header = Arrays.copyOf(utf8, padded);
        Arrays.fill(header, utf8.length, padded, (byte) ' ');
        return header;
    }

    private static void writeAll(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
