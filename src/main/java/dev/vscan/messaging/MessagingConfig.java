package dev.vscan.messaging;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.util.Optional;

/** The Kafka adapter's settings under {@code vscan.}: the embedded broker and the topics. Checked at start-up. */
@ConfigMapping(prefix = "vscan")
public interface MessagingConfig {

    /** Where the embedded broker keeps its log; survives restarts. */
    @WithDefault("data")
    Path dataDir();

    Kafka kafka();

    Topics topics();

    interface Kafka {
        /** Start an in-process broker; by default only when kafka.bootstrap.servers is not configured. */
        Optional<Boolean> embedded();

        @WithDefault("9092")
        @Min(0)
        @Max(65535)
        int embeddedPort();
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

        @WithDefault("4")
        @Min(1)
        int partitions();
    }
}
