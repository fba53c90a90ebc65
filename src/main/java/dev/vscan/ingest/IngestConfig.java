package dev.vscan.ingest;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

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

    /** The workers' consumer group, whose lag is the backlog: the workers' vscan.processing.group-id. */
    @WithDefault("${vscan.processing.group-id:vscan-workers}")
    String workersGroup();

    /**
     * How long a chat completion (POST /v1/chat/completions) waits for its answer: past it the client gets 504,
     * and the request's deadline, which the workers honour, has passed too.
     */
    @WithDefault("5m")
    Duration chatTimeout();

    /** How long a result stays readable over HTTP after it arrived. */
    @WithDefault("1h")
    Duration resultRetention();

    /**
     * A file of API keys, one per line ({@code #} comments, {@code sha256:HEX} for a key given by its
     * digest). When set, every request to the API under /v1/ must carry one, as {@code Authorization:
     * Bearer KEY} or {@code X-API-Key: KEY}; /q/ (health, metrics, OpenAPI) stays open. Unset: no key needed.
     */
    Optional<Path> apiKeysFile();

    /** How often the key file is looked at for changes: a rotated key counts after at most this long. */
    @WithDefault("10s")
    Duration apiKeysCheckInterval();
}
