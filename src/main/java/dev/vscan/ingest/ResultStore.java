package dev.vscan.ingest;

import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.MessageJson;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Every result on the result topic, for the HTTP API. Each ingest instance reads the whole topic in
 * a consumer group of its own, so a client can ask any instance, whichever worker answered.
 */
@ApplicationScoped
public class ResultStore {

    private static final Logger LOG = Logger.getLogger(ResultStore.class);

    @Inject
    IngestConfig config;

    private ResultCache cache;

    @PostConstruct
    void init() {
        cache = new ResultCache(config.maxResults(), config.resultRetention());
    }

    @Incoming("results-in")
    public void onResult(byte[] payload) {
        // A record this instance cannot read must not stop the stream: log it and go on.
        try {
            InferenceResult result = MessageJson.read(payload, InferenceResult.class);
            if (result.id() == null) {
                LOG.warn("ignored a result without an id");
                return;
            }
            cache.put(result);
        } catch (RuntimeException e) {
            LOG.warnf("ignored an unreadable result record: %s", e.getMessage());
        }
    }

    public Optional<InferenceResult> get(String id) {
        return cache.get(id);
    }

    /** The result of {@code id} as soon as it is known, or empty after {@code wait}; holds no thread. */
    public Uni<Optional<InferenceResult>> await(String id, Duration wait) {
        if (wait.isZero()) {
            return Uni.createFrom().item(get(id));
        }
        CompletableFuture<InferenceResult> waiter = cache.await(id);
        return Uni.createFrom().completionStage(waiter)
                .map(Optional::of)
                .ifNoItem().after(wait).recoverWithItem(Optional.empty())
                .onTermination().invoke(() -> cache.cancel(id, waiter));
    }
}
