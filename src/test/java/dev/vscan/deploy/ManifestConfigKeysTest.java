package dev.vscan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.ingest.IngestConfig;
import dev.vscan.messaging.MessagingConfig;
import dev.vscan.service.ServiceConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every setting that k8s/ and docker-compose.yml give the service must be a key it knows: vscan.*
 * from ServiceConfig and the adapters' MessagingConfig and IngestConfig, quarkus.* and kafka.* from
 * application.properties or the pass-through list in
 * {@link KnownConfigKeys}. A misspelt variable (VSCAN_MODEL_PAHT) would otherwise be ignored silently.
 */
class ManifestConfigKeysTest {

    /** Variables the image and the JVM read, not MicroProfile Config keys. */
    private static final Set<String> RUNTIME_VARIABLES = Set.of(
            "JAVA_OPTS", "JAVA_OPTS_APPEND", "DJL_OFFLINE", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR",
            "PYTORCH_VERSION", "PYTORCH_FLAVOR", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES");

    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static KnownConfigKeys known;

    @BeforeAll
    static void knownKeys() throws IOException {
        known = new KnownConfigKeys()
                .addMapping("vscan", ServiceConfig.class)
                .addMapping("vscan", MessagingConfig.class)
                .addMapping("vscan.ingest", IngestConfig.class)
                .addProperties(ROOT.resolve("src/main/resources/application.properties"))
                .addAll(KnownConfigKeys.PASS_THROUGH_KEYS);
    }

    @Test
    void serviceConfigKeysAreDerivedInKebabCase() {
        Set<String> keys = known.keys();
        assertTrue(keys.contains("vscan.model.path"), "vscan.model.path");
        assertTrue(keys.contains("vscan.batch.max-size"), "vscan.batch.max-size");
        assertTrue(keys.contains("vscan.model.default-max-new-tokens"), "vscan.model.default-max-new-tokens");
        assertTrue(keys.contains("vscan.fetch.allow-private-addresses"), "vscan.fetch.allow-private-addresses");
        assertTrue(keys.contains("vscan.kafka.embedded-sasl-users"), "vscan.kafka.embedded-sasl-users");
        assertTrue(keys.contains("vscan.ingest.api-keys-file"), "vscan.ingest.api-keys-file");
        // A group is not a key of its own.
        assertFalse(keys.contains("vscan.model"), "vscan.model is a group");
        assertEquals("VSCAN_BATCH_MAX_DELAY", KnownConfigKeys.environmentName("vscan.batch.max-delay"));
        assertEquals("KAFKA_BOOTSTRAP_SERVERS", KnownConfigKeys.environmentName("kafka.bootstrap.servers"));
    }

    @Test
    void composeSetsOnlyKnownKeys() throws IOException {
        List<ManifestSettings.Setting> settings = ManifestSettings.fromCompose(ROOT.resolve("docker-compose.yml"));
        assertTrue(settings.stream().anyMatch(s -> s.name().equals("VSCAN_ROLE")), "compose sets VSCAN_ROLE");
        assertAllKnown(settings);
    }

    @Test
    void kubernetesManifestsSetOnlyKnownKeys() throws IOException {
        List<ManifestSettings.Setting> settings = ManifestSettings.fromKubernetes(ROOT.resolve("k8s"));
        assertTrue(settings.stream().anyMatch(s -> s.name().equals("VSCAN_MODEL_DEVICE")), "k8s sets VSCAN_MODEL_DEVICE");
        assertTrue(settings.stream().anyMatch(s -> s.name().equals("VSCAN_ROLE")), "k8s sets VSCAN_ROLE");
        assertTrue(settings.stream().anyMatch(s -> s.name().equals("VSCAN_INGEST_API_KEYS_FILE")),
                "k8s sets VSCAN_INGEST_API_KEYS_FILE");
        assertAllKnown(settings);
    }

    @Test
    void aMisspeltKeyIsReported(@TempDir Path dir) throws IOException {
        Path configMap = dir.resolve("configmap.yaml");
        Files.writeString(configMap, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: vscan-config
                data:
                  VSCAN_MODEL_PATH: /models/a
                  VSCAN_MODEL_PAHT: /models/b
                """);
        Path compose = dir.resolve("compose.yml");
        Files.writeString(compose, """
                services:
                  worker:
                    image: vscan-serve:cpu
                    environment:
                      - VSCAN_ROLE=worker
                      - QUARKUS_SHUTDOWN_TIMOUT=90s
                  kafka:
                    image: apache/kafka:4.1.2
                    environment:
                      KAFKA_NODE_ID: "1"
                """);
        assertEquals(List.of("VSCAN_MODEL_PAHT"), unknown(ManifestSettings.fromKubernetes(dir)));
        // The broker's own KAFKA_* variables belong to another image and are not checked.
        assertEquals(List.of("QUARKUS_SHUTDOWN_TIMOUT"), unknown(ManifestSettings.fromCompose(compose)));
    }

    private static List<String> unknown(List<ManifestSettings.Setting> settings) {
        List<String> names = new ArrayList<>();
        for (ManifestSettings.Setting setting : settings) {
            if (!RUNTIME_VARIABLES.contains(setting.name()) && !known.knowsEnvironmentName(setting.name())) {
                names.add(setting.name());
            }
        }
        return names;
    }

    private static void assertAllKnown(List<ManifestSettings.Setting> settings) {
        List<String> problems = new ArrayList<>();
        for (ManifestSettings.Setting setting : settings) {
            if (!RUNTIME_VARIABLES.contains(setting.name()) && !known.knowsEnvironmentName(setting.name())) {
                problems.add(setting.name() + " (" + setting.source() + ")");
            }
        }
        assertTrue(problems.isEmpty(), "Settings that map to no configuration key of the service: " + problems
                + ". vscan.* keys come from ServiceConfig, MessagingConfig and IngestConfig, others from"
                + " application.properties or "
                + "KnownConfigKeys.PASS_THROUGH_KEYS.");
    }
}
