package dev.vscan.ingest;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The API keys of vscan.ingest.api-keys-file, read at start-up so that a missing or empty file stops
 * the service instead of its first request. Without the setting, the API takes requests without a key.
 */
@ApplicationScoped
@Startup
public class ApiKeys {

    private static final Logger LOG = Logger.getLogger(ApiKeys.class);

    @Inject
    IngestConfig config;

    private Optional<ApiKeyFile> file;

    @PostConstruct
    void load() {
        try {
            file = config.apiKeysFile().map(path -> ApiKeyFile.open(path, config.apiKeysCheckInterval(),
                    Clock.systemUTC()));
        } catch (RuntimeException e) {
            throw new IllegalStateException("vscan.ingest.api-keys-file: " + e.getMessage(), e);
        }
        file.ifPresentOrElse(
                keys -> LOG.infof("HTTP API: requests under /v1/ need one of the %d API keys in %s (checked for"
                        + " changes every %s)", keys.size(), config.apiKeysFile().get(), config.apiKeysCheckInterval()),
                () -> LOG.info("HTTP API: no API key needed (vscan.ingest.api-keys-file is not set)"));
    }

    /**
     * Why a request with these headers may not use the API: no key, or a key that is none of the service's;
     * empty when it may (or when no key is needed). The JAX-RS filter and the OpenAI routes both ask here.
     */
    public Optional<ProblemException> refusal(String authorization, String apiKeyHeader) {
        if (!required()) {
            return Optional.empty();
        }
        Optional<String> presented = ApiKeyFilter.presentedKey(authorization, apiKeyHeader);
        if (presented.isEmpty()) {
            return Optional.of(ProblemException.missingApiKey());
        }
        return accepts(presented.get()) ? Optional.empty() : Optional.of(ProblemException.invalidApiKey());
    }

    boolean required() {
        return file.isPresent();
    }

    boolean accepts(String key) {
        return file.map(keys -> keys.accepts(key)).orElse(true);
    }
}
