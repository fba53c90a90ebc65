package dev.vscan.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code broker} command as its own process: it serves, restarts on its port with its data, and survives kill -9. */
class BrokerProcessTest {

    private static final String TOPIC = "vscan.requests";

    @TempDir
    Path dataDir;

    @Test
    void recordsSurviveACleanRestartAndAKill() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(dataDir)) {
            Map<String, Object> client = Map.of("bootstrap.servers", broker.bootstrapServers());
            assertEquals(Set.of("vscan.requests", "vscan.results", "vscan.telemetry", "vscan.dlq"), topics(client));
            String before = "before-" + UUID.randomUUID();
            Clients.produce(client, TOPIC, before, "kept");

            broker.restart();
            assertEquals(client.get("bootstrap.servers"), broker.bootstrapServers(), "the port changed");
            assertEquals(List.of("kept"), Clients.read(client, TOPIC, before));

            broker.kill();
            assertFalse(broker.isAlive());
            broker.restart();
            assertEquals(List.of("kept"), Clients.read(client, TOPIC, before));
            // One broker is enough for transactions (the exactly-once producers' commit protocol).
            String committed = "committed-" + UUID.randomUUID();
            Clients.produceInTransaction(client, TOPIC, committed, "once");
            assertEquals(List.of("once"), Clients.read(client, TOPIC, committed));
        }
        assertTrue(Files.exists(dataDir.resolve("meta.properties")), "the data directory was not used");
    }

    @Test
    void saslUsersAndOwnTopicsAreOptionsOfTheCommand() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(dataDir, 0,
                List.of("--sasl-user", "alice:alice-secret", "--topics", "a,b", "--partitions", "1"))) {
            Map<String, Object> alice = Clients.settings(broker.bootstrapServers(),
                    SaslUsers.clientProperties(SaslUsers.SCRAM_SHA_256, "alice", "alice-secret"));
            assertEquals(Set.of("a", "b"), topics(alice));
            Clients.produce(alice, "a", "k", "v");
            assertEquals(List.of("v"), Clients.read(alice, "a", "k"));
            assertTrue(Files.readString(broker.logFile()).contains("users alice"), broker.logFile().toString());
        }
    }

    private static Set<String> topics(Map<String, Object> client) throws Exception {
        try (Admin admin = Admin.create(client)) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }
}
