package dev.vscan.messaging;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
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

    private EmbeddedKafkaBroker broker;
    private volatile String bootstrap;

    /** The cluster's address: the embedded broker's, else kafka.bootstrap.servers. */
    String bootstrapServers() {
        return bootstrap;
    }

    void start(@Observes @Priority(1) StartupEvent event) {
        if (embeddedWanted()) {
            broker = EmbeddedKafkaBroker.start(config.dataDir().resolve("kafka"), config.kafka().embeddedPort());
            bootstrap = broker.bootstrapServers();
            LOG.infof("embedded Kafka broker (KRaft) listening on %s, data in %s", bootstrap,
                    config.dataDir().resolve("kafka").toAbsolutePath());
        } else {
            bootstrap = rawConfig.getOptionalValue("kafka.bootstrap.servers", String.class).orElse("localhost:9092");
        }
        createTopics(bootstrap);
    }

    private void createTopics(String bootstrap) {
        Map<String, Integer> topics = new LinkedHashMap<>();
        int partitions = config.topics().partitions();
        topics.put(config.topics().requests(), partitions);
        topics.put(config.topics().results(), partitions);
        topics.put(config.topics().telemetry(), partitions);
        topics.put(config.topics().dlq(), partitions);
        try {
            EmbeddedKafkaBroker.createTopics(bootstrap, topics);
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
