package dev.vscan.deploy;

import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A configuration value out of range stops the packaged service at start-up, naming its key. */
class ConfigValidationIT {

    @Test
    void aBadLimitStopsTheServiceWithAMessageThatNamesTheKey() throws Exception {
        assertRefused("vscan.limits.max-images", "100");
        assertRefused("vscan.batch.queue-capacity", "0");
    }

    private static void assertRefused(String key, String value) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the application first: " + jar);
        Path work = Files.createTempDirectory("vscan-config-check");
        Path log = work.resolve("service.log");
        // an unreachable cluster: validation must stop the service before it tries to connect
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-D" + key + "=" + value, "-Dkafka.bootstrap.servers=127.0.0.1:1", "-Dquarkus.http.port=0",
                "-Dvscan.data-dir=" + work, "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the service kept running with " + key + "=" + value);
        assertNotEquals(0, p.exitValue());
        String out = Files.readString(log);
        assertTrue(out.contains(key), "the start-up error names " + key + ":\n" + out);
    }
}
