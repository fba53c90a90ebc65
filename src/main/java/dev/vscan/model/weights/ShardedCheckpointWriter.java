package dev.vscan.model.weights;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a set of tensors as a Hugging Face checkpoint: {@code model.safetensors} for one shard, or
 * {@code model-0000i-of-0000N.safetensors} files plus {@code model.safetensors.index.json} for N > 1.
 * Tensors go to shards in name order, split so each shard holds about the same number of bytes.
 */
public final class ShardedCheckpointWriter {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final int shards;
    private final SafetensorsWriter all = new SafetensorsWriter();

    public ShardedCheckpointWriter(int shards) {
        if (shards < 1) {
            throw new IllegalArgumentException("a checkpoint needs at least 1 shard, got " + shards);
        }
        this.shards = shards;
    }

    /** See {@link SafetensorsWriter#add(String, DType, long[], float[])}. */
    public ShardedCheckpointWriter add(String name, DType dtype, long[] shape, float[] values) {
        all.add(name, dtype, shape, values);
        return this;
    }

    /** See {@link SafetensorsWriter#add(String, DType, long[], ByteBuffer)}. */
    public ShardedCheckpointWriter add(String name, DType dtype, long[] shape, ByteBuffer rawLittleEndian) {
        all.add(name, dtype, shape, rawLittleEndian);
        return this;
    }

    /** The file name of shard {@code index} (1-based) of {@code count}. */
    public static String shardFileName(int index, int count) {
        return String.format("model-%05d-of-%05d.safetensors", index, count);
    }

    /** Writes the weight files (and index) into {@code dir}, creating it if needed. */
    public void write(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CheckpointException("cannot create checkpoint directory " + dir + ": " + e, e);
        }
        if (shards == 1) {
            all.write(dir.resolve(CheckpointFiles.SINGLE_FILE));
            return;
        }
        List<String> names = all.names();
        if (names.size() < shards) {
            throw new CheckpointException("cannot split " + names.size() + " tensors into " + shards
                    + " shards for " + dir + ": every shard needs at least one tensor");
        }
        Map<String, String> weightMap = new TreeMap<>();
        List<List<String>> groups = split(names);
        for (int s = 0; s < shards; s++) {
            String fileName = shardFileName(s + 1, shards);
            SafetensorsWriter shard = new SafetensorsWriter();
            for (String name : groups.get(s)) {
                SafetensorsWriter.Entry entry = all.entries().get(name);
                shard.add(name, entry.dtype(), entry.shape(), entry.data().duplicate());
                weightMap.put(name, fileName);
            }
            shard.write(dir.resolve(fileName));
        }
        writeIndex(dir.resolve(CheckpointFiles.INDEX_FILE), weightMap);
    }

    /** Contiguous runs of names, cut where the running byte count passes each shard's share. */
    private List<List<String>> split(List<String> names) {
        long total = all.dataBytes();
        List<List<String>> groups = new ArrayList<>();
        int start = 0;
        long cumulative = 0;
        for (int s = 0; s < shards; s++) {
            int maxEnd = names.size() - (shards - s - 1);
            long goal = total * (s + 1) / shards;
            int end = start;
            do {
                cumulative += bytes(names.get(end));
                end++;
            } while (end < maxEnd && (s == shards - 1 || cumulative < goal));
            groups.add(names.subList(start, end));
            start = end;
        }
        return groups;
    }

    private long bytes(String name) {
        return all.entries().get(name).data().remaining();
    }

    private void writeIndex(Path index, Map<String, String> weightMap) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("metadata", Map.of("total_size", all.dataBytes()));
        root.put("weight_map", weightMap);
        try {
            JSON.writeValue(index.toFile(), root);
        } catch (IOException e) {
            throw new CheckpointException("cannot write shard index " + index + ": " + e, e);
        }
    }
}
