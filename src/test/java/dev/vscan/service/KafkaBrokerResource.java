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
 * the application starts no embedded broker of its own.
 */
public class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedKafkaBroker broker;

    /** The running broker, for tests that produce and consume with plain Kafka clients. */
    public static synchronized EmbeddedKafkaBroker broker() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("vscan-kafka-test");
                broker = EmbeddedKafkaBroker.start(dir, 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return broker;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", broker().bootstrapServers());
    }

    @Override
    public void stop() {
        // One broker serves every test class of the JVM; it dies with the JVM.
    }
}
