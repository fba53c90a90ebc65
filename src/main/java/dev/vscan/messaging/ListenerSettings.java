package dev.vscan.messaging;

import java.io.IOException;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The listener part of the embedded broker's configuration, with the ports resolved, and how the
 * broker's own admin client logs in. With SASL users, inter-broker traffic (transaction markers go
 * through it even on one node) runs on the SASL listener as a broker user whose password is new on
 * every start, so no listener outside the controller's takes a client without credentials unless a
 * plaintext port was asked for. The controller listener stays PLAINTEXT on loopback.
 */
final class ListenerSettings {

    private static final String HOST = "127.0.0.1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Properties brokerProperties = new Properties();
    private final Map<String, Object> adminProperties = new HashMap<>();
    private final String bootstrapServers;
    private final Optional<String> plaintextBootstrapServers;

    private ListenerSettings(BrokerListeners listeners, int controllerPort) throws IOException {
        int port = resolve(listeners.port());
        bootstrapServers = HOST + ":" + port;
        List<String> advertised = new ArrayList<>();
        if (listeners.sasl().isEmpty()) {
            advertised.add("PLAINTEXT://" + bootstrapServers);
            brokerProperties.put("inter.broker.listener.name", "PLAINTEXT");
            plaintextBootstrapServers = Optional.of(bootstrapServers);
        } else {
            advertised.add("SASL_PLAINTEXT://" + bootstrapServers);
            plaintextBootstrapServers = listeners.plaintextPort().isPresent()
                    ? Optional.of(HOST + ":" + resolve(listeners.plaintextPort().getAsInt())) : Optional.empty();
            plaintextBootstrapServers.ifPresent(address -> advertised.add("PLAINTEXT://" + address));
            String brokerPassword = randomPassword();
            putSasl(listeners.sasl().get(), brokerPassword);
            adminProperties.putAll(SaslUsers.clientProperties(SaslUsers.PLAIN, SaslUsers.BROKER_USER, brokerPassword));
        }
        String clientListeners = String.join(",", advertised);
        brokerProperties.put("listeners", clientListeners + ",CONTROLLER://" + HOST + ":" + controllerPort);
        brokerProperties.put("advertised.listeners", clientListeners);
        brokerProperties.put("controller.listener.names", "CONTROLLER");
        brokerProperties.put("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        adminProperties.put("bootstrap.servers", bootstrapServers);
    }

    static ListenerSettings of(BrokerListeners listeners, int controllerPort) throws IOException {
        return new ListenerSettings(listeners, controllerPort);
    }

    private void putSasl(SaslUsers users, String brokerPassword) {
        String mechanisms = String.join(",", SaslUsers.MECHANISMS);
        brokerProperties.put("sasl.enabled.mechanisms", mechanisms);
        brokerProperties.put("listener.name.sasl_plaintext.sasl.enabled.mechanisms", mechanisms);
        brokerProperties.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        brokerProperties.put("sasl.mechanism.inter.broker.protocol", SaslUsers.PLAIN);
        brokerProperties.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                users.plainBrokerJaasConfig(brokerPassword));
        // SCRAM credentials live in the cluster metadata (ScramCredentials writes them), not in JAAS.
        brokerProperties.put("listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    }

    /** The listener keys of the broker's configuration. */
    Properties brokerProperties() {
        return brokerProperties;
    }

    /** Bootstrap address and login for an admin client of the broker itself. */
    Map<String, Object> adminProperties() {
        return Map.copyOf(adminProperties);
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    Optional<String> plaintextBootstrapServers() {
        return plaintextBootstrapServers;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static int resolve(int port) throws IOException {
        return port == 0 ? freePort() : port;
    }

    private static String randomPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
