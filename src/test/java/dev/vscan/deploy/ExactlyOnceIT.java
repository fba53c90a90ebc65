package dev.vscan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.messaging.BrokerProcess;
import dev.vscan.model.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Exactly once through crashes, as a user of the result topic sees it: the packaged service (echo engine:
 * the property under test is the messaging path's, not the model's) and a broker in a process of its own.
 * A burst of 1,000 requests is produced at a steady rate; mid-burst the service is killed with SIGKILL
 * and started again (or the broker is), and a read_committed consumer must see exactly one result per
 * request: none lost, none twice.
 */
class ExactlyOnceIT {

    private static final int REQUESTS = 1000;
    private static final int RATE_PER_SECOND = 200;
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path work;
    private static BrokerProcess broker;

    @BeforeAll
    static void startBroker() throws IOException {
        work = Files.createTempDirectory("vscan-exactly-once");
        broker = BrokerProcess.start(work.resolve("kafka"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aWorkerKilledMidBurstAndRestartedAnswersEveryRequestExactlyOnce() throws Exception {
        Burst burst = new Burst("kill");
        PackagedService service = startService(burst.topics, work.resolve("data-kill"));
        burst.start();
        burst.awaitResults(150, Duration.ofSeconds(60));
        service.kill();
        int seenAtKill = burst.results();
        assertTrue(seenAtKill < REQUESTS, "the kill must land mid-burst; " + seenAtKill + " results were out");
        System.out.printf("worker killed with %d of %d results out%n", seenAtKill, REQUESTS);
        service = startService(burst.topics, work.resolve("data-kill"));
        try {
            burst.assertExactlyOnce(Duration.ofSeconds(180));
        } finally {
            service.stop();
            burst.close();
        }
    }

    @Test
    void theBrokerKilledMidBurstAndRestartedLosesAndDuplicatesNothing() throws Exception {
        Burst burst = new Burst("broker");
        PackagedService service = startService(burst.topics, work.resolve("data-broker"));
        try {
            burst.start();
            burst.awaitResults(150, Duration.ofSeconds(60));
            broker.kill();
            int seenAtKill = burst.results();
            assertTrue(seenAtKill < REQUESTS, "the broker must go down mid-burst; " + seenAtKill + " results were out");
            System.out.printf("broker killed with %d of %d results out%n", seenAtKill, REQUESTS);
            Thread.sleep(2000);
            broker.restart();
            burst.assertExactlyOnce(Duration.ofSeconds(240));
            assertTrue(service.process.isAlive(), "the service outlived its broker");
        } finally {
            service.stop();
            burst.close();
        }
    }

    /** The service's topics for one scenario, so that scenarios do not see each other's records. */
    record Topics(String requests, String results, String telemetry, String dlq) {
        static Topics named(String scenario) {
            return new Topics(scenario + ".requests", scenario + ".results", scenario + ".telemetry",
                    scenario + ".dlq");
        }
    }

    /** The packaged worker for a scenario, with a stable instance id across restarts. */
    private static PackagedService startService(Topics topics, Path dataDir) throws Exception {
        return PackagedService.start(List.of("-Xmx512m", "-Dkafka.bootstrap.servers=" + broker.bootstrapServers(),
                "-Dvscan.model.engine=echo", "-Dvscan.processing.instance-id=worker-" + topics.requests(),
                "-Dvscan.topics.requests=" + topics.requests(), "-Dvscan.topics.results=" + topics.results(),
                "-Dvscan.topics.telemetry=" + topics.telemetry(), "-Dvscan.topics.dlq=" + topics.dlq(),
                "-Dvscan.data-dir=" + dataDir), dataDir.resolve("service.log"));
    }

    /** Produces the requests at a steady rate and counts every result record by request id. */
    private static final class Burst implements AutoCloseable {
        final Topics topics;
        private final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        private final AtomicInteger total = new AtomicInteger();
        private final Set<String> positions = new HashSet<>();
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final Thread producer;
        private final Thread follower;
        private volatile Throwable failure;

        Burst(String scenario) {
            this.topics = Topics.named(scenario);
            this.producer = new Thread(this::produce, "burst-producer");
            this.follower = new Thread(this::follow, "burst-follower");
        }

        /** Once the service has created the scenario's topics. */
        void start() {
            follower.start();
            producer.start();
        }

        private void produce() {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            // outlive a broker restart: keep retrying instead of failing the send
            p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000");
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "180000");
            String image = Base64.getEncoder().encodeToString(TestModels.png(7, 112, 112));
            try (KafkaProducer<String, byte[]> out = new KafkaProducer<>(p, new StringSerializer(),
                    new ByteArraySerializer())) {
                long start = System.nanoTime();
                for (int i = 0; i < REQUESTS; i++) {
                    String id = topics.requests() + "-" + i;
                    byte[] body = JSON.writeValueAsBytes(Map.of("id", id, "prompt", "what colour is the circle ?",
                            "images", List.of(Map.of("data", image))));
                    out.send(new ProducerRecord<>(topics.requests(), id, body));
                    long due = start + (i + 1) * 1_000_000_000L / RATE_PER_SECOND;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                }
                out.flush();
            } catch (Exception e) {
                failure = e;
            }
        }

        private void follow() {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            p.put(ConsumerConfig.GROUP_ID_CONFIG, "exactly-once-check-" + System.nanoTime());
            p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            try (KafkaConsumer<String, String> in = new KafkaConsumer<>(p, new StringDeserializer(),
                    new StringDeserializer())) {
                in.subscribe(List.of(topics.results()));
                while (open.get()) {
                    try {
                        for (ConsumerRecord<String, String> r : in.poll(Duration.ofMillis(200))) {
                            // this reader is at least once itself: after the broker's restart it may read a
                            // record again, which is the same record, not a second answer
                            if (positions.add(r.partition() + ":" + r.offset())) {
                                seen.computeIfAbsent(r.key(), k -> new AtomicInteger()).incrementAndGet();
                                total.incrementAndGet();
                            }
                        }
                    } catch (org.apache.kafka.common.errors.RetriableException brokerAway) {
                        // the broker scenario: the consumer reconnects by itself
                    }
                }
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        int results() {
            return total.get();
        }

        void awaitResults(int count, Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (total.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(total.get() >= count, "only " + total.get() + " results within " + within);
        }

        /** Every request answered, then a quiet spell in which no second answer may arrive. */
        void assertExactlyOnce(Duration within) throws InterruptedException {
            long deadline = System.nanoTime() + within.toNanos();
            while (seen.size() < REQUESTS && System.nanoTime() < deadline && failure == null) {
                Thread.sleep(100);
            }
            producer.join(Duration.ofSeconds(30).toMillis());
            Thread.sleep(5000);
            assertEquals(null, failure, "the test's own clients failed");
            Map<String, Integer> twice = new HashMap<>();
            seen.forEach((id, n) -> {
                if (n.get() > 1) {
                    twice.put(id, n.get());
                }
            });
            assertEquals(Map.of(), twice, "requests answered more than once");
            assertEquals(REQUESTS, seen.size(), "requests answered (of " + REQUESTS + ")");
            assertEquals(REQUESTS, total.get(), "result records");
        }

        @Override
        public void close() throws InterruptedException {
            open.set(false);
            follower.join(10_000);
        }
    }
}
