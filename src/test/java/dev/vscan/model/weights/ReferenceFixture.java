package dev.vscan.model.weights;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared tiny LLaVA checkpoint; tests that need it are skipped when it is absent. */
public final class ReferenceFixture {

    private ReferenceFixture() {
    }

    /** The {@code llava-reference} directory, or an aborted (skipped) test with the reason. */
    public static Path llavaReference() {
        Path root = Path.of(System.getProperty("shared.fixtures", "/work/shared/fixtures"));
        if (!Files.isDirectory(root)) {
            root = Path.of("/work/shared/fixtures");
        }
        Path dir = root.resolve("llava-reference");
        Assumptions.assumeTrue(Files.isRegularFile(dir.resolve("model.safetensors")),
                "reference fixture not found at " + dir + " (set -Dshared.fixtures)");
        return dir;
    }
}
