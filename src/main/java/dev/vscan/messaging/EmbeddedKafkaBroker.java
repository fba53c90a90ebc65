package dev.vscan.messaging;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real single-node Apache Kafka broker (KRaft, combined broker and controller) running in this JVM,
 * bound to 127.0.0.1. Its log directory is formatted once and reused, so topics and committed offsets
 * survive restarts. This is the one-command default and what the tests run against. Clients connect
 * without credentials, or, when it is given {@link SaslUsers}, over SASL_PLAINTEXT with PLAIN or
 * SCRAM-SHA-256 ({@link BrokerListeners}).
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    /** Large enough for requests that carry their images inline. */
    public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

    private final KafkaRaftServer server;
    private final ListenerSettings listeners;

    private EmbeddedKafkaBroker(KafkaRaftServer server, ListenerSettings listeners) {
        this.server = server;
        this.listeners = listeners;
    }

    /**
     * Starts a broker with its data in {@code dataDir} and one plaintext client listener.
     *
     * @param port the client port; 0 picks a free one
     */
    public static EmbeddedKafkaBroker start(Path dataDir, int port) {
        return start(dataDir, BrokerListeners.plaintext(port));
    }

    /** Starts a broker with its data in {@code dataDir} and the given client listeners. */
    public static EmbeddedKafkaBroker start(Path dataDir, BrokerListeners clientListeners) {
        try {
            Files.createDirectories(dataDir);
            int controllerPort = ListenerSettings.freePort();
            ListenerSettings listeners = ListenerSettings.of(clientListeners, controllerPort);
            Properties props = new Properties();
            props.put("process.roles", "broker,controller");
            props.put("node.id", "1");
            props.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
            props.putAll(listeners.brokerProperties());
            props.put("log.dirs", dataDir.toAbsolutePath().toString());
            // One node: every internal topic must live with a single replica. Transactions (exactly-once
            // producers) need the transaction log's settings; few partitions keep its first creation quick.
            props.put("offsets.topic.replication.factor", "1");
            props.put("offsets.topic.num.partitions", "4");
            props.put("transaction.state.log.replication.factor", "1");
            props.put("transaction.state.log.min.isr", "1");
            props.put("transaction.state.log.num.partitions", "4");
            props.put("share.coordinator.state.topic.replication.factor", "1");
            props.put("share.coordinator.state.topic.min.isr", "1");
            props.put("group.initial.rebalance.delay.ms", "0");
            props.put("auto.create.topics.enable", "false");
            props.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
            props.put("replica.fetch.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
            KafkaConfig config = KafkaConfig.fromProps(props, false);
            if (!Files.exists(dataDir.resolve("meta.properties"))) {
                format(dataDir);
            }
            if (clientListeners.sasl().isPresent()) {
                SaslProviders.claim();
            }
            KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
            server.startup();
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, listeners);
            try {
                clientListeners.sasl().ifPresent(users -> ScramCredentials.sync(listeners.adminProperties(), users));
            } catch (RuntimeException e) {
                broker.close();
                throw e;
            }
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the embedded Kafka broker in " + dataDir + ": "
                    + e.getMessage(), e);
        }
    }

    private static void format(Path dataDir) {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(1)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(dataDir.toAbsolutePath().toString()))
                    .setMetadataLogDirectory(dataDir.toAbsolutePath().toString())
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                    .setControllerListenerName("CONTROLLER")
                    .setIgnoreFormatted(true)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + dataDir + ": " + e.getMessage(), e);
        }
    }

    /** The main client listener's address: SASL_PLAINTEXT when the broker has SASL users, else PLAINTEXT. */
    public String bootstrapServers() {
        return listeners.bootstrapServers();
    }

    /** The plaintext listener's address, if the broker has one. */
    public Optional<String> plaintextBootstrapServers() {
        return listeners.plaintextBootstrapServers();
    }

    /** Creates the topics that do not exist yet on this broker, logging in as the broker where it has SASL users. */
    public void createTopics(Map<String, Integer> partitions) {
        createTopics(listeners.adminProperties(), partitions);
    }

    /** Creates the topics that do not exist yet on a plaintext cluster, with the given partition counts. */
    public static void createTopics(String bootstrapServers, Map<String, Integer> partitions) {
        createTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), partitions);
    }

    /**
     * Creates the topics that do not exist yet on any cluster, with the given partition counts;
     * {@code adminProperties} holds the bootstrap address and any TLS/SASL settings of an admin client.
     */
    public static void createTopics(Map<String, Object> adminProperties, Map<String, Integer> partitions) {
        Object bootstrapServers = adminProperties.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG);
        try (Admin admin = Admin.create(adminProperties)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            partitions.forEach((name, count) -> {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, count, (short) 1)
                            .configs(Map.of("max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES))));
                }
            });
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    // Another instance created them between our listing and our request: fine.
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot create topics " + partitions.keySet() + " on " + bootstrapServers
                    + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
