package dev.vscan.model.weights;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointFilesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Five tensors of 4 + 32 + 8 + 24 + 16 = 84 bytes (F32 and one F16). */
    private void writeThreeShards() {
        new ShardedCheckpointWriter(3)
                .add("a", DType.F32, new long[] {1}, new float[] {1.5f})
                .add("b", DType.F32, new long[] {2, 4}, new float[] {1, 2, 3, 4, 5, 6, 7, 8})
                .add("c", DType.F16, new long[] {4}, new float[] {0.5f, -1, 2, 0.1f})
                .add("d", DType.F32, new long[] {6}, new float[] {9, 8, 7, 6, 5, 4})
                .add("e", DType.F32, new long[] {4}, new float[] {-1, -2, -3, -4})
                .write(dir);
    }

    @Test
    void threeShardsWithIndexReadBackEqual() throws IOException {
        writeThreeShards();

        JsonNode index = JSON.readTree(dir.resolve("model.safetensors.index.json").toFile());
        assertEquals(84, index.get("metadata").get("total_size").asLong());
        Set<String> shardFiles = new TreeSet<>();
        index.get("weight_map").forEach(f -> shardFiles.add(f.asText()));
        assertEquals(Set.of("model-00001-of-00003.safetensors", "model-00002-of-00003.safetensors",
                "model-00003-of-00003.safetensors"), shardFiles);
        assertFalse(Files.exists(dir.resolve("model.safetensors")));

        try (WeightStore store = CheckpointFiles.open(dir)) {
            assertEquals(Set.of("a", "b", "c", "d", "e"), store.names());
            assertArrayEquals(new float[] {1.5f}, store.readFloat32("a"));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7, 8}, store.readFloat32("b"));
            assertArrayEquals(new float[] {0.5f, -1, 2, 0.0999755859375f}, store.readFloat32("c"));
            assertArrayEquals(new float[] {9, 8, 7, 6, 5, 4}, store.readFloat32("d"));
            assertEquals(-4f, store.readFloat32Buffer("e").getFloat(12));
            assertEquals(DType.F16, store.info("c").dtype());
            assertTrue(store.info("a").file().getFileName().toString().startsWith("model-00001-of-00003"));
        }
    }

    @Test
    void indexNamingMissingShardFails() throws IOException {
        writeThreeShards();
        Files.delete(dir.resolve("model-00002-of-00003.safetensors"));

        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.open(dir));
        assertTrue(e.getMessage().contains("to shard model-00002-of-00003.safetensors, which does not exist in " + dir),
                e.getMessage());
    }

    @Test
    void indexMappingTensorAbsentFromItsShardFails() throws IOException {
        writeThreeShards();
        Path indexFile = dir.resolve("model.safetensors.index.json");
        ObjectNode index = (ObjectNode) JSON.readTree(indexFile.toFile());
        ((ObjectNode) index.get("weight_map")).put("ghost.weight", "model-00001-of-00003.safetensors");
        JSON.writeValue(indexFile.toFile(), index);

        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.open(dir));
        assertEquals("index " + indexFile + " maps tensor ghost.weight to shard model-00001-of-00003.safetensors,"
                + " but that shard has no such tensor", e.getMessage());
    }

    @Test
    void missingTensorNamesTheCheckpoint() {
        writeThreeShards();
        try (WeightStore store = CheckpointFiles.open(dir)) {
            CheckpointException e = assertThrows(CheckpointException.class, () -> store.info("f"));
            assertEquals("checkpoint " + dir + " has no tensor 'f'", e.getMessage());
        }
    }

    @Test
    void singleShardIsPlainModelSafetensors() {
        new ShardedCheckpointWriter(1).add("x", DType.F32, new long[] {1}, new float[] {3}).write(dir);
        assertTrue(Files.isRegularFile(dir.resolve("model.safetensors")));
        assertFalse(Files.exists(dir.resolve("model.safetensors.index.json")));
        try (WeightStore store = CheckpointFiles.open(dir)) {
            assertArrayEquals(new float[] {3}, store.readFloat32("x"));
        }
    }

    @Test
    void looseFilesWithoutIndexAreMerged() {
        new SafetensorsWriter().add("p", DType.F32, new long[] {1}, new float[] {1}).write(dir.resolve("one.safetensors"));
        new SafetensorsWriter().add("q", DType.F32, new long[] {1}, new float[] {2}).write(dir.resolve("two.safetensors"));
        try (WeightStore store = CheckpointFiles.open(dir)) {
            assertEquals(Set.of("p", "q"), store.names());
            assertArrayEquals(new float[] {2}, store.readFloat32("q"));
        }
    }

    @Test
    void duplicateTensorAcrossLooseFilesFails() {
        new SafetensorsWriter().add("p", DType.F32, new long[] {1}, new float[] {1}).write(dir.resolve("one.safetensors"));
        new SafetensorsWriter().add("p", DType.F32, new long[] {1}, new float[] {2}).write(dir.resolve("two.safetensors"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.open(dir));
        assertEquals("checkpoint " + dir + ": tensor p appears in both one.safetensors and two.safetensors",
                e.getMessage());
    }

    @Test
    void directoryWithoutWeightsFails() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{}");
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFiles.open(dir));
        assertTrue(e.getMessage().startsWith("checkpoint directory " + dir + " has no safetensors weights"),
                e.getMessage());
    }

    @Test
    void moreShardsThanTensorsIsRefused() {
        ShardedCheckpointWriter writer = new ShardedCheckpointWriter(3)
                .add("x", DType.F32, new long[] {1}, new float[] {3});
        CheckpointException e = assertThrows(CheckpointException.class, () -> writer.write(dir));
        assertTrue(e.getMessage().startsWith("cannot split 1 tensors into 3 shards"), e.getMessage());
    }
}
