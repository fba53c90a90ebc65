package dev.vscan.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/** The HTTP adapter's settings under {@code vscan.ingest}. Checked at start-up. */
@ConfigMapping(prefix = "vscan.ingest")
public interface IngestConfig {

    /** Results kept for GET /v1/requests/{id}; the least recently used go first. */
    @WithDefault("100000")
    @Min(1)
    int maxResults();

    /**
     * Requests on the request topic that the workers have not answered yet, beyond which a POST is answered
     * 429 (Retry-After) instead of adding to the backlog. The lag is read from the broker every 0.5 s.
     */
    @WithDefault("1000")
    @Min(1)
    long maxBacklog();

    /** The workers' consumer group, whose lag is the backlog. */
    @WithDefault("vscan-workers")
    String workersGroup();

    /** How long a result stays readable over HTTP after it arrived. */
    @WithDefault("1h")
    Duration resultRetention();
}
