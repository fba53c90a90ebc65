package dev.vscan.model.weights;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads one safetensors file. The header is parsed and validated on {@link #open}; tensor data is
 * memory-mapped one tensor at a time on request, so files larger than 2 GiB work and nothing reads a
 * whole file into the heap.
 */
public final class SafetensorsReader implements AutoCloseable {

    /** The reference reader refuses larger headers; so do we, to fail fast on garbage length prefixes. */
    static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final Path file;
    private final FileChannel channel;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, String> metadata;

    private SafetensorsReader(Path file, FileChannel channel, Map<String, TensorInfo> tensors,
                              Map<String, String> metadata) {
        this.file = file;
        this.channel = channel;
        this.tensors = Collections.unmodifiableMap(tensors);
        this.metadata = Collections.unmodifiableMap(metadata);
    }

    /** Opens and validates {@code file}; the caller closes the reader. */
    public static SafetensorsReader open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new CheckpointException("cannot open safetensors file " + file + ": " + e, e);
        }
        try {
            HeaderParser parser = new HeaderParser(file, channel);
            return new SafetensorsReader(file, channel, parser.tensors, parser.metadata);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** All tensors, in header order. */
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    /** The {@code __metadata__} string map (empty when the header has none). */
    public Map<String, String> metadata() {
        return metadata;
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /** The tensor's description, or a CheckpointException naming the tensor and this file. */
    public TensorInfo info(String name) {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new CheckpointException("safetensors file " + file + " has no tensor '" + name + "'");
        }
        return info;
    }

    /** The tensor's bytes as stored: a read-only little-endian mapping of just its byte range. */
    public ByteBuffer raw(String name) {
        TensorInfo info = info(name);
        if (info.byteLength() > Integer.MAX_VALUE) {
            throw new CheckpointException("tensor " + name + " in " + file + " is " + info.byteLength()
                    + " bytes, more than the 2 GiB one buffer can map");
        }
        try {
            return channel.map(FileChannel.MapMode.READ_ONLY, info.dataBegin(), info.byteLength())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new CheckpointException("cannot map tensor " + name + " in " + file + ": " + e, e);
        }
    }

    /** The tensor's values widened (or narrowed, for 64-bit types) to float. */
    public float[] readFloat32(String name) {
        TensorInfo info = info(name);
        float[] out = new float[elementCountAsInt(info)];
        ElementDecoder.toFloats(info.dtype(), raw(name), out);
        return out;
    }

    /**
     * The tensor as F32 in a direct little-endian buffer, positioned at 0: the form
     * {@code NDManager.create(ByteBuffer, Shape, DataType.FLOAT32)} takes.
     */
    public ByteBuffer readFloat32Buffer(String name) {
        TensorInfo info = info(name);
        int count = elementCountAsInt(info);
        ByteBuffer out = ByteBuffer.allocateDirect(Math.multiplyExact(count, Float.BYTES))
                .order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer source = raw(name);
        if (info.dtype() == DType.F32) {
            out.put(source);
        } else {
            float[] values = new float[count];
            ElementDecoder.toFloats(info.dtype(), source, values);
            out.asFloatBuffer().put(values);
        }
        out.clear();
        return out;
    }

    /** The values of an integer (or BOOL) tensor as longs; float tensors are refused. */
    public long[] readInt64(String name) {
        TensorInfo info = info(name);
        if (info.dtype().isFloatingPoint()) {
            throw new CheckpointException("tensor " + name + " in " + file + " has dtype " + info.dtype()
                    + "; readInt64 needs an integer dtype");
        }
        long[] out = new long[elementCountAsInt(info)];
        ElementDecoder.toLongs(info.dtype(), raw(name), out);
        return out;
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private int elementCountAsInt(TensorInfo info) {
        long count = info.numElements();
        if (count > Integer.MAX_VALUE - 8) {
            throw new CheckpointException("tensor " + info.name() + " in " + file + " has " + count
                    + " elements, too many for one Java array");
        }
        return (int) count;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing useful to do: the file was only read.
        }
    }

    /** Reads the length prefix and JSON header and checks every entry against the data section. */
    private static final class HeaderParser {
        private final Path file;
        private final Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        private final Map<String, String> metadata = new LinkedHashMap<>();

        HeaderParser(Path file, FileChannel channel) {
            this.file = file;
            long fileSize = size(channel);
            if (fileSize < 8) {
                throw new CheckpointException("truncated file " + file + ": it is " + fileSize
                        + " bytes, shorter than the 8-byte header length prefix");
            }
            long headerLength = readFully(channel, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
                throw new CheckpointException("bad header in " + file + ": declared header length "
                        + Long.toUnsignedString(headerLength) + " bytes exceeds the limit of " + MAX_HEADER_BYTES
                        + " bytes");
            }
            if (8 + headerLength > fileSize) {
                throw new CheckpointException("truncated file " + file + ": header length " + headerLength
                        + " bytes but only " + (fileSize - 8) + " bytes follow the length prefix");
            }
            ByteBuffer headerBytes = readFully(channel, 8, (int) headerLength);
            JsonNode root = parseJson(headerBytes);
            long dataStart = 8 + headerLength;
            parseEntries(root, dataStart, fileSize - dataStart);
            checkNoOverlap();
        }

        private JsonNode parseJson(ByteBuffer headerBytes) {
            String text = StandardCharsets.UTF_8.decode(headerBytes).toString();
            JsonNode root;
            try {
                root = JSON.readTree(text);
            } catch (JsonProcessingException e) {
                throw new CheckpointException("bad header in " + file + ": not valid JSON ("
                        + e.getOriginalMessage() + ")", e);
            }
            if (root == null || !root.isObject()) {
                throw new CheckpointException("bad header in " + file + ": expected a JSON object but found "
                        + (root == null ? "nothing" : root.getNodeType()));
            }
            return root;
        }

        private void parseEntries(JsonNode root, long dataStart, long dataLength) {
            Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (field.getKey().equals("__metadata__")) {
                    parseMetadata(field.getValue());
                } else {
                    TensorInfo info = parseTensor(field.getKey(), field.getValue(), dataStart, dataLength);
                    tensors.put(info.name(), info);
                }
            }
        }

        private void parseMetadata(JsonNode node) {
            if (!node.isObject()) {
                throw new CheckpointException("bad header in " + file + ": __metadata__ must be an object");
            }
            node.fields().forEachRemaining(e -> {
                if (!e.getValue().isTextual()) {
                    throw new CheckpointException("bad header in " + file + ": __metadata__ value for '"
                            + e.getKey() + "' must be a string");
                }
                metadata.put(e.getKey(), e.getValue().asText());
            });
        }

        private TensorInfo parseTensor(String name, JsonNode node, long dataStart, long dataLength) {
            String where = "tensor " + name + " in " + file;
            if (!node.isObject() || !node.path("dtype").isTextual()) {
                throw new CheckpointException("bad header in " + file + ": entry for tensor " + name
                        + " needs a string 'dtype'");
            }
            DType dtype;
            try {
                dtype = DType.fromSafetensors(node.get("dtype").asText());
            } catch (IllegalArgumentException e) {
                throw new CheckpointException(where + ": " + e.getMessage(), e);
            }
            long[] shape = longArray(node.get("shape"), where, "shape");
            long[] offsets = longArray(node.get("data_offsets"), where, "data_offsets");
            if (offsets.length != 2 || offsets[1] < offsets[0]) {
                throw new CheckpointException("bad header in " + file + ": " + where
                        + " needs data_offsets [begin, end] with begin <= end");
            }
            long expectedBytes;
            try {
                expectedBytes = Math.multiplyExact(TensorInfo.elementCount(shape), dtype.byteSize());
            } catch (ArithmeticException e) {
                throw new CheckpointException("bad header in " + file + ": shape of " + where + " overflows", e);
            }
            long actualBytes = offsets[1] - offsets[0];
            if (actualBytes != expectedBytes) {
                throw new CheckpointException("bad header in " + file + ": data_offsets of " + where + " span "
                        + actualBytes + " bytes but shape " + java.util.Arrays.toString(shape) + " of " + dtype
                        + " needs " + expectedBytes);
            }
            if (offsets[1] > dataLength) {
                throw new CheckpointException("truncated file " + file + ": tensor " + name + " needs bytes up to "
                        + offsets[1] + " but data section has " + dataLength);
            }
            return new TensorInfo(name, dtype, shape, dataStart + offsets[0], dataStart + offsets[1], file);
        }

        private long[] longArray(JsonNode node, String where, String key) {
            if (node == null || !node.isArray()) {
                throw new CheckpointException("bad header in " + file + ": " + where + " needs an array '" + key + "'");
            }
            long[] values = new long[node.size()];
            for (int i = 0; i < values.length; i++) {
                JsonNode element = node.get(i);
                if (!element.canConvertToLong() || !element.isIntegralNumber() || element.asLong() < 0) {
                    throw new CheckpointException("bad header in " + file + ": " + where + " has a non-integer or"
                            + " negative value in '" + key + "': " + node);
                }
                values[i] = element.asLong();
            }
            return values;
        }

        private void checkNoOverlap() {
            List<TensorInfo> byStart = new ArrayList<>(tensors.values());
            byStart.removeIf(t -> t.byteLength() == 0);
            byStart.sort(Comparator.comparingLong(TensorInfo::dataBegin));
            for (int i = 1; i < byStart.size(); i++) {
                TensorInfo previous = byStart.get(i - 1);
                TensorInfo current = byStart.get(i);
                if (current.dataBegin() < previous.dataEnd()) {
                    throw new CheckpointException("bad header in " + file + ": tensors " + previous.name() + " and "
                            + current.name() + " overlap in the data section");
                }
            }
        }

        private long size(FileChannel channel) {
            try {
                return channel.size();
            } catch (IOException e) {
                throw new CheckpointException("cannot read the size of " + file + ": " + e, e);
            }
        }

        private ByteBuffer readFully(FileChannel channel, long position, int length) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            try {
                while (buffer.hasRemaining()) {
                    int read = channel.read(buffer, position + buffer.position());
                    if (read < 0) {
                        throw new CheckpointException("truncated file " + file + ": ended while reading the header");
                    }
                }
            } catch (IOException e) {
                throw new CheckpointException("cannot read the header of " + file + ": " + e, e);
            }
            buffer.flip();
            return buffer;
        }
    }
}
