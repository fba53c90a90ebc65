package dev.vscan.messaging;

import java.util.Map;
import java.util.Optional;

/**
 * The embedded broker's client listeners from vscan.kafka.embedded-*, checked against the settings of
 * the service's own Kafka clients (the kafka.* keys): they connect to the embedded port, so a SASL
 * port needs them to log in. A mismatch stops the start-up with the keys to set, instead of clients
 * that retry forever.
 */
final class EmbeddedListeners {

    private EmbeddedListeners() {}

    /**
     * @param clients the kafka.* settings every Kafka client of the service gets, without the prefix
     */
    static BrokerListeners from(MessagingConfig.Kafka kafka, Map<String, Object> clients) {
        if (kafka.embeddedSaslUsers().isEmpty()) {
            if (kafka.embeddedPlaintextPort().isPresent()) {
                throw new IllegalArgumentException("vscan.kafka.embedded-plaintext-port opens a plaintext listener"
                        + " beside the SASL one: it needs vscan.kafka.embedded-sasl-users");
            }
            return BrokerListeners.plaintext(kafka.embeddedPort());
        }
        SaslUsers users;
        try {
            users = SaslUsers.parse(kafka.embeddedSaslUsers().get());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vscan.kafka.embedded-sasl-users: " + e.getMessage(), e);
        }
        checkClientsLogIn(kafka.embeddedPort(), clients);
        BrokerListeners listeners = BrokerListeners.sasl(kafka.embeddedPort(), users);
        return kafka.embeddedPlaintextPort().map(listeners::withPlaintextPort).orElse(listeners);
    }

    private static void checkClientsLogIn(int port, Map<String, Object> clients) {
        String protocol = setting(clients, "security.protocol").orElse("PLAINTEXT");
        String mechanism = setting(clients, "sasl.mechanism").orElse("GSSAPI");
        String advice = "vscan.kafka.embedded-sasl-users makes the embedded broker's port " + port
                + " speak SASL_PLAINTEXT, and the service's Kafka clients connect there: set"
                + " kafka.security.protocol=SASL_PLAINTEXT, kafka.sasl.mechanism=PLAIN (or SCRAM-SHA-256) and"
                + " kafka.sasl.jaas.config with one of the users";
        if (!"SASL_PLAINTEXT".equalsIgnoreCase(protocol)) {
            throw new IllegalArgumentException(advice + " (kafka.security.protocol is " + protocol + ")");
        }
        if (!SaslUsers.MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException(advice + " (kafka.sasl.mechanism is " + mechanism + ")");
        }
        if (setting(clients, "sasl.jaas.config").isEmpty()) {
            throw new IllegalArgumentException(advice + " (kafka.sasl.jaas.config is not set)");
        }
    }

    private static Optional<String> setting(Map<String, Object> clients, String key) {
        return Optional.ofNullable(clients.get(key)).map(String::valueOf).filter(v -> !v.isBlank());
    }
}
