package dev.vscan.messaging;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Starts the in-process broker before anything else when no Kafka cluster is configured, creates
 * the service's topics, and stops the broker last, after the Kafka clients have closed.
 */
@ApplicationScoped
public class BrokerLifecycle {

    private static final Logger LOG = Logger.getLogger(BrokerLifecycle.class);

    @Inject
    MessagingConfig config;

    @Inject
    Config rawConfig;

    /** Quarkus' view of the kafka.* keys, which every Kafka client of the service gets. */
    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafkaClients;

    private EmbeddedKafkaBroker broker;
    private volatile String bootstrap;

    /** The cluster's address: the embedded broker's, else kafka.bootstrap.servers. */
    String bootstrapServers() {
        return bootstrap;
    }

    void start(@Observes @Priority(1) StartupEvent event) {
        if (String.valueOf(kafkaClients.get("security.protocol")).toUpperCase(Locale.ROOT).startsWith("SASL")) {
            // A dev-mode reload brings a new class loader, whose Kafka clients need their own SASL providers.
            SaslProviders.claim();
        }
        if (embeddedWanted()) {
            startEmbedded();
            bootstrap = broker.bootstrapServers();
            createTopics(broker::createTopics, bootstrap);
            return;
        }
        bootstrap = rawConfig.getOptionalValue("kafka.bootstrap.servers", String.class).orElse("localhost:9092");
        if (config.kafka().embeddedSaslUsers().isPresent()) {
            LOG.warnf("vscan.kafka.embedded-sasl-users is set, but no embedded broker starts: the service uses %s",
                    bootstrap);
        }
        Map<String, Object> admin = adminSettings(bootstrap);
        createTopics(topics -> EmbeddedKafkaBroker.createTopics(admin, topics), bootstrap);
    }

    private void startEmbedded() {
        BrokerListeners listeners = EmbeddedListeners.from(config.kafka(), kafkaClients);
        broker = EmbeddedKafkaBroker.start(config.dataDir().resolve("kafka"), listeners);
        LOG.infof("embedded Kafka broker (KRaft) listening on %s (%s), data in %s", broker.bootstrapServers(),
                listeners.sasl().map(users -> "SASL_PLAINTEXT, users " + users.names()).orElse("PLAINTEXT"),
                config.dataDir().resolve("kafka").toAbsolutePath());
        if (listeners.sasl().isPresent()) {
            broker.plaintextBootstrapServers().ifPresent(address ->
                    LOG.infof("embedded Kafka broker: plaintext listener on %s too", address));
        }
    }

    /** The cluster's TLS/SASL settings from the kafka.* keys, less those an admin client does not know. */
    private Map<String, Object> adminSettings(String bootstrap) {
        Map<String, Object> admin = new HashMap<>();
        kafkaClients.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                admin.put(key, value);
            }
        });
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return admin;
    }

    private void createTopics(Consumer<Map<String, Integer>> creator, String bootstrap) {
        Map<String, Integer> topics = new LinkedHashMap<>();
        int partitions = config.topics().partitions();
        topics.put(config.topics().requests(), partitions);
        topics.put(config.topics().results(), partitions);
        topics.put(config.topics().telemetry(), partitions);
        topics.put(config.topics().dlq(), partitions);
        topics.put(config.topics().stream(), partitions);
        try {
            creator.accept(topics);
        } catch (RuntimeException e) {
            // A managed cluster may forbid topic creation; the topics then have to exist already.
            LOG.warnf("could not create topics %s on %s: %s", topics.keySet(), bootstrap, e.getMessage());
        }
    }

    /** Explicit vscan.kafka.embedded wins; otherwise embed only when no cluster address was configured. */
    boolean embeddedWanted() {
        return config.kafka().embedded().orElseGet(() -> rawConfig.getOptionalValue("kafka.bootstrap.servers",
                String.class).isEmpty());
    }

    void stop(@Observes @BeforeDestroyed(ApplicationScoped.class) @Priority(Integer.MAX_VALUE - 10) Object event) {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
