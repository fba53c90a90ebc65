package dev.vscan.cli;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * How {@code send} and {@code follow} reach Kafka: the bootstrap servers, any other client settings (TLS,
 * SASL...) and the service's topic names.
 *
 * <p>Read from {@code --bootstrap HOST:PORT}, {@code --kafka-config FILE} (Java properties, e.g. the file a
 * Kafka CLI tool takes as {@code --command-config}) and {@code --kafka key=value} (repeatable), later ones
 * overriding earlier ones: the file, then each {@code --kafka}, then {@code --bootstrap}.
 *
 * @param bootstrap the bootstrap servers
 * @param client    every other client setting, passed as is to producer and consumer
 * @param topics    the topic names
 */
record KafkaSettings(String bootstrap, Map<String, String> client, Topics topics) {

    /** The valued options {@link #from} reads. */
    static final Set<String> OPTIONS = Set.of("bootstrap", "kafka", "kafka-config", "requests-topic", "results-topic",
            "telemetry-topic", "dlq-topic");

    /** How long a client waits for a broker before it gives up, unless the user's settings say otherwise. */
    static final int CONNECT_TIMEOUT_MS = 15_000;

    /** The service's embedded broker, where a local {@code serve} listens. */
    static final String DEFAULT_BOOTSTRAP = "localhost:9092";

    /** The service's topics, by default its defaults ({@code vscan.topics.*}). */
    record Topics(String requests, String results, String telemetry, String dlq) {

        static Topics defaults() {
            return new Topics("vscan.requests", "vscan.results", "vscan.telemetry", "vscan.dlq");
        }

        Topics {
            for (String name : new String[] {requests, results, telemetry, dlq}) {
                if (name == null || name.isBlank()) {
                    throw new UsageException("a topic name must not be empty");
                }
            }
        }
    }

    KafkaSettings {
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new UsageException("--bootstrap needs HOST:PORT[,HOST:PORT...]");
        }
        client = Map.copyOf(client);
        if (client.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("bootstrap.servers belongs in bootstrap, not among the client settings");
        }
    }

    static KafkaSettings from(Arguments a) {
        Map<String, String> client = new LinkedHashMap<>();
        String file = a.string("kafka-config", null);
        if (file != null) {
            client.putAll(readProperties(Path.of(file)));
        }
        for (String setting : a.all("kafka")) {
            int eq = setting.indexOf('=');
            if (eq <= 0) {
                throw new UsageException("--kafka takes key=value (e.g. security.protocol=SASL_SSL), got '" + setting + "'");
            }
            client.put(setting.substring(0, eq).strip(), setting.substring(eq + 1));
        }
        String configured = client.remove("bootstrap.servers");
        String bootstrap = a.string("bootstrap", configured == null ? DEFAULT_BOOTSTRAP : configured);
        Topics d = Topics.defaults();
        Topics topics = new Topics(a.string("requests-topic", d.requests()), a.string("results-topic", d.results()),
                a.string("telemetry-topic", d.telemetry()), a.string("dlq-topic", d.dlq()));
        return new KafkaSettings(bootstrap, client, topics);
    }

    /**
     * The settings of a producer or consumer: bootstrap, then what the command needs ({@code fixed}), then the
     * user's own, which win (a cluster may need, say, a longer {@code max.block.ms}).
     */
    Map<String, Object> clientConfig(Map<String, Object> fixed) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("bootstrap.servers", bootstrap);
        config.putAll(fixed);
        config.putAll(client);
        return config;
    }

    private static Map<String, String> readProperties(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new UsageException("Kafka config file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new UsageException("cannot read Kafka config file " + file + ": " + e.getMessage());
        }
        Map<String, String> settings = new LinkedHashMap<>();
        properties.stringPropertyNames().stream().sorted()
                .forEach(name -> settings.put(name, properties.getProperty(name)));
        return settings;
    }
}
