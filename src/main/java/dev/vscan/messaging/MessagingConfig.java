package dev.vscan.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The Kafka adapter's settings under {@code vscan.}: the embedded broker and the topics. Checked at start-up. */
@ConfigMapping(prefix = "vscan")
public interface MessagingConfig {

    /** Where the embedded broker keeps its log; survives restarts. */
    @WithDefault("data")
    Path dataDir();

    Kafka kafka();

    Topics topics();

    Processing processing();

    /** How a worker consumes the request topic and commits its answers (exactly once, in transactions). */
    interface Processing {
        /** The workers' consumer group. */
        @WithDefault("vscan-workers")
        String groupId();

        /**
         * This worker's name, stable across its restarts: its transactional id and its static group
         * membership derive from it, so a restarted worker fences its former self and takes its partitions
         * back at once. Two live workers must never share one. Defaults to the host name (a pod's name).
         */
        @WithDefault("${HOSTNAME:vscan-local}")
        String instanceId();

        /** How long the broker waits for an open transaction of a worker that vanished before aborting it. */
        @WithDefault("10s")
        Duration transactionTimeout();

        /** How long a revoked partition's running requests may take to commit before the partition goes. */
        @WithDefault("10s")
        Duration revokeWait();
    }

    interface Kafka {
        /** Start an in-process broker; by default only when kafka.bootstrap.servers is not configured. */
        Optional<Boolean> embedded();

        @WithDefault("9092")
        @Min(0)
        @Max(65535)
        int embeddedPort();

        /**
         * {@code name:password} entries (a comma inside a password is written {@code \,}). When set, the
         * embedded broker's port speaks SASL_PLAINTEXT (PLAIN or SCRAM-SHA-256) and takes only these users;
         * the service's own clients then log in with kafka.security.protocol, kafka.sasl.mechanism and
         * kafka.sasl.jaas.config like those of any secured cluster.
         */
        Optional<List<String>> embeddedSaslUsers();

        /** With SASL users only: a plaintext listener on this loopback port too, for clients without credentials. */
        Optional<@Min(0) @Max(65535) Integer> embeddedPlaintextPort();
    }

    interface Topics {
        @WithDefault("vscan.requests")
        String requests();

        @WithDefault("vscan.results")
        String results();

        @WithDefault("vscan.telemetry")
        String telemetry();

        @WithDefault("vscan.dlq")
        String dlq();

        /** Streamed answers' text while it is generated (StreamChunk records), written outside transactions. */
        @WithDefault("vscan.stream")
        String stream();

        @WithDefault("4")
        @Min(1)
        int partitions();
    }
}
