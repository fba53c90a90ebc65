package dev.vscan.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Finds the safetensors files of a checkpoint directory the way Hugging Face does: the shard index
 * {@code model.safetensors.index.json} if present, else {@code model.safetensors}, else every
 * {@code *.safetensors} file in the directory.
 */
public final class CheckpointFiles {

    public static final String INDEX_FILE = "model.safetensors.index.json";
    public static final String SINGLE_FILE = "model.safetensors";

    private static final ObjectMapper JSON = new ObjectMapper();

    private CheckpointFiles() {
    }

    /** Opens every weight file of {@code dir}; the caller closes the store. */
    public static WeightStore open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("checkpoint directory " + dir + " does not exist or is not a directory");
        }
        Path index = dir.resolve(INDEX_FILE);
        if (Files.isRegularFile(index)) {
            return openIndexed(dir, index);
        }
        Path single = dir.resolve(SINGLE_FILE);
        if (Files.isRegularFile(single)) {
            return openFiles(dir, List.of(single));
        }
        List<Path> files = listSafetensors(dir);
        if (files.isEmpty()) {
            throw new CheckpointException("checkpoint directory " + dir + " has no safetensors weights: expected "
                    + INDEX_FILE + ", " + SINGLE_FILE + " or some *.safetensors file");
        }
        return openFiles(dir, files);
    }

    /** All {@code *.safetensors} files in {@code dir}, sorted by name. */
    static List<Path> listSafetensors(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.filter(p -> p.getFileName().toString().endsWith(".safetensors"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new CheckpointException("cannot list checkpoint directory " + dir + ": " + e, e);
        }
    }

    private static WeightStore openFiles(Path dir, List<Path> files) {
        List<SafetensorsReader> readers = new ArrayList<>();
        try {
            LinkedHashMap<String, SafetensorsReader> owners = new LinkedHashMap<>();
            for (Path file : files) {
                SafetensorsReader reader = SafetensorsReader.open(file);
                readers.add(reader);
                for (String name : reader.tensors().keySet()) {
                    SafetensorsReader previous = owners.putIfAbsent(name, reader);
                    if (previous != null) {
                        throw new CheckpointException("checkpoint " + dir + ": tensor " + name + " appears in both "
                                + previous.file().getFileName() + " and " + file.getFileName());
                    }
                }
            }
            return new SafetensorsWeightStore(dir, readers, owners);
        } catch (RuntimeException e) {
            readers.forEach(SafetensorsReader::close);
            throw e;
        }
    }

    private static WeightStore openIndexed(Path dir, Path index) {
        Map<String, String> weightMap = readWeightMap(index);
        Map<String, SafetensorsReader> shards = new LinkedHashMap<>();
        try {
            LinkedHashMap<String, SafetensorsReader> owners = new LinkedHashMap<>();
            for (Map.Entry<String, String> entry : weightMap.entrySet()) {
                String tensor = entry.getKey();
                String shardName = entry.getValue();
                SafetensorsReader shard = shards.get(shardName);
                if (shard == null) {
                    Path shardFile = dir.resolve(shardName);
                    if (!Files.isRegularFile(shardFile)) {
                        throw new CheckpointException("index " + index + " maps tensor " + tensor + " to shard "
                                + shardName + ", which does not exist in " + dir);
                    }
                    shard = SafetensorsReader.open(shardFile);
                    shards.put(shardName, shard);
                }
                if (!shard.contains(tensor)) {
                    throw new CheckpointException("index " + index + " maps tensor " + tensor + " to shard "
                            + shardName + ", but that shard has no such tensor");
                }
                owners.put(tensor, shard);
            }
            return new SafetensorsWeightStore(dir, new ArrayList<>(shards.values()), owners);
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsReader::close);
            throw e;
        }
    }

    private static Map<String, String> readWeightMap(Path index) {
        JsonNode root;
        try {
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new CheckpointException("cannot read shard index " + index + ": " + e.getMessage(), e);
        }
        JsonNode weightMap = root == null ? null : root.get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new CheckpointException("shard index " + index + " has no 'weight_map' object");
        }
        Map<String, String> result = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = weightMap.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isTextual()) {
                throw new CheckpointException("shard index " + index + ": weight_map entry for " + field.getKey()
                        + " must be a file name");
            }
            result.put(field.getKey(), field.getValue().asText());
        }
        return result;
    }
}
