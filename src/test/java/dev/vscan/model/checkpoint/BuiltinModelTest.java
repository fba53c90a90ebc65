package dev.vscan.model.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinModelTest {

    @Test
    void installsACompleteCheckpointOfTheShapesPreset(@TempDir Path dir) {
        Path installed = BuiltinModel.install(dir.resolve("builtin"));

        for (String file : BuiltinModel.FILES) {
            assertTrue(Files.isRegularFile(installed.resolve(file)), file);
        }
        LlavaConfig config = ConfigLoader.loadModel(installed);
        assertEquals(TinyCheckpointPreset.SHAPES.config().vision(), config.vision());
        assertEquals(TinyCheckpointPreset.SHAPES.config().text(), config.text());
    }

    @Test
    void aSecondInstallOfTheSameVersionLeavesTheFilesAlone(@TempDir Path dir) throws Exception {
        Path installed = BuiltinModel.install(dir);
        Path weights = installed.resolve("model.safetensors");
        FileTime before = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(weights, before);

        BuiltinModel.install(dir);

        assertEquals(before, Files.getLastModifiedTime(weights));
    }

    @Test
    void anOlderVersionIsReplaced(@TempDir Path dir) throws Exception {
        BuiltinModel.install(dir);
        Files.writeString(dir.resolve(BuiltinModel.STAMP), "an older version");
        Files.writeString(dir.resolve("model.safetensors"), "stale");

        BuiltinModel.install(dir);

        assertNotEquals("an older version", Files.readString(dir.resolve(BuiltinModel.STAMP)));
        assertTrue(Files.size(dir.resolve("model.safetensors")) > 1_000_000);
    }
}
