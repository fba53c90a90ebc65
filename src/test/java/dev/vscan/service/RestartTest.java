package dev.vscan.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * A restart as in a real deployment: the broker stays up, the service stops, producers go on, the
 * service starts again. This class runs under its own profile, so Quarkus stops the application of
 * the other service tests and starts a fresh one; its test resource produces requests in between,
 * while no service is running. They must all be answered, and no request that the earlier
 * application answered may be answered again.
 */
@QuarkusTest
@TestProfile(RestartTest.Restarted.class)
class RestartTest {

    static final Set<String> producedWhileStopped = new LinkedHashSet<>();

    public static class Restarted implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ProduceWhileStopped.class));
        }

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vscan.batch.max-size", "4");
        }
    }

    /** Starts (or reuses) the broker and produces requests before the application starts. */
    public static class ProduceWhileStopped implements QuarkusTestResourceLifecycleManager {
        @Override
        public Map<String, String> start() {
            String bootstrap = KafkaBrokerResource.bootstrapServers();
            dev.vscan.messaging.EmbeddedKafkaBroker.createTopics(bootstrap,
                    Map.of("vscan.requests", 4, "vscan.results", 4, "vscan.telemetry", 4, "vscan.dlq", 4));
            for (int i = 0; i < 5; i++) {
                String id = "offline-" + i + "-" + UUID.randomUUID();
                producedWhileStopped.add(id);
                KafkaClients.produce(bootstrap, "vscan.requests", id,
                        KafkaClients.json(KafkaFlowTest.request(id, 1, "is there a star ?", Map.of("max_new_tokens", 2))),
                        Map.of());
            }
            return Map.of("kafka.bootstrap.servers", bootstrap);
        }

        @Override
        public void stop() {}
    }

    @Test
    void requestsProducedWhileStoppedAreAnsweredOnceAndNothingIsAnsweredTwice() {
        String bootstrap = KafkaBrokerResource.bootstrapServers();
        try (KafkaConsumer<String, byte[]> results = KafkaClients.consumer(bootstrap, "vscan.results")) {
            Map<String, List<JsonNode>> answers = KafkaClients.collect(results, producedWhileStopped,
                    s -> s.keySet().containsAll(producedWhileStopped), Duration.ofSeconds(120));
            assertEquals(producedWhileStopped, answers.keySet());
        }
        // Every result ever written, by this application or an earlier one, answers a distinct request.
        try (KafkaConsumer<String, byte[]> all = KafkaClients.consumer(bootstrap, "vscan.results")) {
            Map<String, Integer> counts = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : all.poll(Duration.ofMillis(200))) {
                    counts.merge(r.key(), 1, Integer::sum);
                }
            }
            List<String> twice = new ArrayList<>();
            counts.forEach((k, n) -> {
                if (n > 1) {
                    twice.add(k + " x" + n);
                }
            });
            assertEquals(List.of(), twice, "requests answered more than once");
        }
    }
}
