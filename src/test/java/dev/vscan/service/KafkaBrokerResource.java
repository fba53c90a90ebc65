package dev.vscan.service;

import dev.vscan.messaging.EmbeddedKafkaBroker;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real Kafka broker for service tests, started before the application on a free port, the way a
 * deployment has its cluster before the service. Since kafka.bootstrap.servers is then configured,
 * the application starts no embedded broker of its own. One broker serves the whole test JVM, also
 * across application restarts, so tests can check what survives a restart.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    /**
     * Where the broker's address is kept: Quarkus loads test resources and test classes with
     * different class loaders, so a static field alone would start one broker per class loader.
     */
    private static final String ADDRESS_PROPERTY = "kafka-test-broker.bootstrap";

    private static EmbeddedKafkaBroker broker;

    /** The running broker's address, for tests that produce and consume with plain Kafka clients. */
    public static String bootstrapServers() {
        synchronized (System.getProperties()) {
            String address = System.getProperty(ADDRESS_PROPERTY);
            if (address == null) {
                try {
                    Path dir = Files.createTempDirectory("vscan-kafka-test");
                    broker = EmbeddedKafkaBroker.start(dir, 0);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                address = broker.bootstrapServers();
                System.setProperty(ADDRESS_PROPERTY, address);
            }
            return address;
        }
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", bootstrapServers());
    }

    @Override
    public void stop() {
        // The broker lives as long as the test JVM.
    }
}
