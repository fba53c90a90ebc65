package dev.vscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How send and follow read their Kafka options: defaults, a properties file, --kafka and --bootstrap. */
class KafkaSettingsTest {

    @TempDir
    Path tmp;

    private static KafkaSettings settings(String... args) {
        String[] all = Stream.concat(Stream.of("follow"), Stream.of(args)).toArray(String[]::new);
        return KafkaSettings.from(new Arguments(all, 1, KafkaSettings.OPTIONS, java.util.Set.of()));
    }

    @Test
    void withoutOptionsItIsTheLocalServiceAndItsTopics() {
        KafkaSettings s = settings();
        assertEquals("localhost:9092", s.bootstrap());
        assertEquals(Map.of(), s.client());
        assertEquals(new KafkaSettings.Topics("vscan.requests", "vscan.results", "vscan.telemetry", "vscan.dlq"),
                s.topics());
    }

    @Test
    void theFileThenEachKafkaOptionThenBootstrapWin() throws IOException {
        Path file = tmp.resolve("client.properties");
        Files.writeString(file, String.join("\n",
                "bootstrap.servers=file:9092",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"b=c\";"));
        KafkaSettings fromFile = settings("--kafka-config", file.toString());
        assertEquals("file:9092", fromFile.bootstrap());
        assertEquals("SASL_PLAINTEXT", fromFile.client().get("security.protocol"));
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule required username=\"a\" password=\"b=c\";",
                fromFile.client().get("sasl.jaas.config"));

        KafkaSettings overridden = settings("--kafka-config", file.toString(), "--kafka", "sasl.mechanism=SCRAM-SHA-256",
                "--kafka", "client.id=a=b", "--bootstrap", "cli:9093", "--kafka", "bootstrap.servers=flag:9092");
        assertEquals("cli:9093", overridden.bootstrap());
        assertEquals("SCRAM-SHA-256", overridden.client().get("sasl.mechanism"));
        assertEquals("a=b", overridden.client().get("client.id"), "only the first '=' separates key and value");
        assertEquals("flag:9092", settings("--kafka", "bootstrap.servers=flag:9092").bootstrap());
    }

    @Test
    void theUsersSettingsWinOverWhatTheCommandSets() {
        KafkaSettings s = settings("--bootstrap", "b:1", "--kafka", "max.block.ms=90000");
        Map<String, Object> config = s.clientConfig(Map.of("max.block.ms", 15_000, "acks", "all"));
        assertEquals(Map.of("bootstrap.servers", "b:1", "max.block.ms", "90000", "acks", "all"), config);
    }

    @Test
    void topicNamesCanBeOverridden() {
        KafkaSettings s = settings("--requests-topic", "team.requests", "--dlq-topic", "team.dlq");
        assertEquals(new KafkaSettings.Topics("team.requests", "vscan.results", "vscan.telemetry", "team.dlq"), s.topics());
    }

    @Test
    void malformedSettingsAreUsageErrors() {
        assertEquals("--kafka takes key=value (e.g. security.protocol=SASL_SSL), got 'acks'",
                assertThrows(UsageException.class, () -> settings("--kafka", "acks")).getMessage());
        assertEquals("--kafka takes key=value (e.g. security.protocol=SASL_SSL), got '=all'",
                assertThrows(UsageException.class, () -> settings("--kafka", "=all")).getMessage());
        Path missing = tmp.resolve("missing.properties");
        assertEquals("Kafka config file " + missing + " does not exist",
                assertThrows(UsageException.class, () -> settings("--kafka-config", missing.toString())).getMessage());
        assertEquals("a topic name must not be empty",
                assertThrows(UsageException.class, () -> settings("--results-topic", " ")).getMessage());
        assertEquals("--bootstrap needs HOST:PORT[,HOST:PORT...]",
                assertThrows(UsageException.class, () -> settings("--bootstrap", "")).getMessage());
    }
}
