package dev.vscan.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** How vscan.kafka.embedded-* and the kafka.* client keys become the embedded broker's listeners. */
class EmbeddedListenersTest {

    /** The vscan.kafka group as the configuration would give it. */
    record Settings(Optional<Boolean> embedded, int embeddedPort, Optional<List<String>> embeddedSaslUsers,
            Optional<Integer> embeddedPlaintextPort) implements MessagingConfig.Kafka {
    }

    private static final Map<String, Object> SASL_CLIENTS = SaslUsers.clientProperties("PLAIN", "vscan", "s3cret");

    @Test
    void withoutUsersTheBrokerIsPlaintextOnItsPort() {
        BrokerListeners listeners = EmbeddedListeners.from(
                new Settings(Optional.empty(), 9092, Optional.empty(), Optional.empty()), Map.of());
        assertEquals(BrokerListeners.plaintext(9092), listeners);
    }

    @Test
    void usersMakeThePortSaslAndThePlaintextPortIsExtra() {
        BrokerListeners listeners = EmbeddedListeners.from(new Settings(Optional.empty(), 9092,
                Optional.of(List.of("vscan:s3cret", "kcat:other")), Optional.of(9094)), SASL_CLIENTS);
        assertEquals(9092, listeners.port());
        assertEquals(Map.of("vscan", "s3cret", "kcat", "other"), listeners.sasl().orElseThrow().passwords());
        assertEquals(OptionalInt.of(9094), listeners.plaintextPort());
    }

    @Test
    void saslUsersNeedTheServiceClientsToLogIn() {
        Settings sasl = new Settings(Optional.empty(), 9092, Optional.of(List.of("vscan:s3cret")), Optional.empty());
        IllegalArgumentException plaintextClients = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedListeners.from(sasl, Map.of()));
        assertTrue(plaintextClients.getMessage().contains("kafka.security.protocol=SASL_PLAINTEXT"),
                plaintextClients.getMessage());
        IllegalArgumentException kerberos = assertThrows(IllegalArgumentException.class,
                () -> EmbeddedListeners.from(sasl, Map.of("security.protocol", "SASL_PLAINTEXT",
                        "sasl.jaas.config", "x")));
        assertTrue(kerberos.getMessage().contains("kafka.sasl.mechanism is GSSAPI"), kerberos.getMessage());
    }

    @Test
    void badEntriesNameTheirKeyAndNotThePassword() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EmbeddedListeners.from(
                new Settings(Optional.empty(), 9092, Optional.of(List.of("no-colon-secret")), Optional.empty()),
                SASL_CLIENTS));
        assertTrue(e.getMessage().startsWith("vscan.kafka.embedded-sasl-users: "), e.getMessage());
        assertFalse(e.getMessage().contains("no-colon-secret"), e.getMessage());
        IllegalArgumentException alone = assertThrows(IllegalArgumentException.class, () -> EmbeddedListeners.from(
                new Settings(Optional.empty(), 9092, Optional.empty(), Optional.of(9094)), Map.of()));
        assertTrue(alone.getMessage().contains("needs vscan.kafka.embedded-sasl-users"), alone.getMessage());
    }
}
