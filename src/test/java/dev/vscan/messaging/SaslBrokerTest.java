package dev.vscan.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker with a SASL listener, as a client of a secured cluster sees it: the right
 * credentials (PLAIN or SCRAM-SHA-256) produce and consume, a wrong password is refused and reads nothing.
 */
class SaslBrokerTest {

    private static final String TOPIC = "vscan.requests";
    private static final SaslUsers USERS = SaslUsers.parse(List.of("alice:alice-secret", "bob:pass:with:colons"));

    @TempDir
    static Path dataDir;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = EmbeddedKafkaBroker.start(dataDir, BrokerListeners.sasl(0, USERS).withPlaintextPort(0));
        broker.createTopics(Map.of(TOPIC, 2));
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void theRightPasswordRoundTripsARecordWithPlainAndScram() throws Exception {
        String key = "plain-" + UUID.randomUUID();
        // What a client of any SASL/PLAIN cluster sets; the service takes the same keys as kafka.*.
        Map<String, Object> plain = Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"alice\" password=\"alice-secret\";");
        produce(plain, key, "hello");
        assertEquals(List.of("hello"), read(USERS.clientProperties("bob", SaslUsers.SCRAM_SHA_256), key));
    }

    @Test
    void aWrongPasswordIsRefusedAndReadsNothing() throws Exception {
        String key = "secret-" + UUID.randomUUID();
        produce(USERS.clientProperties("alice", SaslUsers.PLAIN), key, "not for mallory");
        for (String mechanism : SaslUsers.MECHANISMS) {
            Map<String, Object> wrong = SaslUsers.clientProperties(mechanism, "alice", "guessed");
            try (KafkaConsumer<String, String> consumer = Clients.consumer(
                    Clients.settings(broker.bootstrapServers(), wrong), TOPIC)) {
                List<ConsumerRecord<String, String>> seen = new ArrayList<>();
                assertThrows(SaslAuthenticationException.class, () -> {
                    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                    while (System.nanoTime() < deadline) {
                        consumer.poll(Duration.ofMillis(200)).forEach(seen::add);
                    }
                }, mechanism);
                assertTrue(seen.isEmpty(), mechanism + " read " + seen);
            }
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> produce(wrong, key, "forged"), mechanism);
            assertInstanceOf(SaslAuthenticationException.class, refused.getCause(), mechanism);
        }
        assertEquals(List.of("not for mallory"), read(USERS.clientProperties("alice", SaslUsers.PLAIN), key));
    }

    @Test
    void anUnknownUserIsRefused() {
        try (Admin admin = Admin.create(Clients.settings(broker.bootstrapServers(),
                SaslUsers.clientProperties(SaslUsers.PLAIN, "mallory", "x")))) {
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> admin.listTopics().names().get(20, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, refused.getCause());
        }
    }

    @Test
    void thePlaintextPortBesideTheSaslOneTakesClientsWithoutCredentials() throws Exception {
        String plaintext = broker.plaintextBootstrapServers().orElseThrow();
        assertFalse(plaintext.equals(broker.bootstrapServers()));
        String key = "open-" + UUID.randomUUID();
        Clients.produce(Map.of("bootstrap.servers", plaintext), TOPIC, key, "open");
        assertEquals(List.of("open"), read(USERS.clientProperties("alice", SaslUsers.PLAIN), key));
    }

    @Test
    void badUsersAreRefusedWithAMessageThatKeepsThePasswordOut() {
        IllegalArgumentException noColon = assertThrows(IllegalArgumentException.class,
                () -> SaslUsers.parse(List.of("hunter2")));
        assertFalse(noColon.getMessage().contains("hunter2"), noColon.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SaslUsers.parse(List.of("a:x", "a:y")));
        assertThrows(IllegalArgumentException.class, () -> SaslUsers.of("bad name", "x"));
        assertThrows(IllegalArgumentException.class, () -> SaslUsers.of("alice", ""));
        IllegalArgumentException quote = assertThrows(IllegalArgumentException.class,
                () -> SaslUsers.of("alice", "say \"hi\""));
        assertFalse(quote.getMessage().contains("hi"), quote.getMessage());
        assertThrows(IllegalArgumentException.class, () -> SaslUsers.of(SaslUsers.BROKER_USER, "x"));
        assertEquals("SaslUsers[alice, bob]", USERS.toString());
    }

    private static void produce(Map<String, Object> security, String key, String value) throws Exception {
        Clients.produce(Clients.settings(broker.bootstrapServers(), security), TOPIC, key, value);
    }

    private static List<String> read(Map<String, Object> security, String key) {
        return Clients.read(Clients.settings(broker.bootstrapServers(), security), TOPIC, key);
    }
}
