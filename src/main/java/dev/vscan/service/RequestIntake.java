package dev.vscan.service;

import dev.vscan.ingest.ImageFetcher;
import dev.vscan.ingest.UrlPolicy;
import dev.vscan.messaging.DeadLetterRecord;
import dev.vscan.messaging.InferenceRequest;
import dev.vscan.messaging.InferenceResult;
import dev.vscan.messaging.InferenceResult.Status;
import dev.vscan.messaging.InvalidRequestException;
import dev.vscan.messaging.RequestLimits;
import dev.vscan.messaging.RequestParser;
import dev.vscan.messaging.ResultPublisher;
import dev.vscan.telemetry.ServiceMetrics;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * What happens to each consumed request record, off the event loop: parse and validate it, skip a
 * duplicate, answer an expired one, fetch and decode its images, and queue it for a worker. A record
 * that can never succeed goes to the dead-letter topic with the reason, and its producer gets an
 * {@code invalid} result it can match by id; the service keeps serving.
 */
@ApplicationScoped
public class RequestIntake {

    private static final Logger LOG = Logger.getLogger(RequestIntake.class);

    @Inject
    ServiceConfig config;

    @Inject
    ModelRepository models;

    @Inject
    InferenceService inference;

    @Inject
    ResultPublisher publisher;

    @Inject
    ServiceMetrics metrics;

    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "vscan-intake");
        t.setDaemon(true);
        return t;
    });
    private volatile RequestParser parser;
    private volatile ImageFetcher fetcher;
    private volatile RequestPreparer preparer;
    private volatile DeduplicationWindow dedup;

    /** Handles one record; {@code release} frees its place in the consumer's demand when it leaves the queue. */
    public void accept(Message<byte[]> message, Runnable release) {
        executor.execute(() -> process(message, release));
    }

    private synchronized void init() {
        if (preparer == null) {
            ServiceConfig.Limits l = config.limits();
            parser = new RequestParser(new RequestLimits(l.maxImages(), l.maxPromptChars(), l.maxNewTokens()));
            fetcher = new ImageFetcher(new UrlPolicy(config.fetch().allowPrivateAddresses(), config.fetch().timeout(),
                    l.maxImageBytes(), config.fetch().maxRedirects()));
            dedup = new DeduplicationWindow(config.dedup().window(), config.dedup().maxEntries());
            preparer = new RequestPreparer(models.modelDirectory(), models.imageLimits(),
                    config.model().defaultMaxNewTokens(), l.maxNewTokens());
        }
    }

    private void process(Message<byte[]> message, Runnable release) {
        long received = System.nanoTime();
        IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        Map<String, String> headers = meta == null ? Map.of() : ResultPublisher.headerMap(meta.getHeaders());
        String key = meta == null || meta.getKey() == null ? null : meta.getKey().toString();
        String id = key;
        try {
            init();
            RequestParser.ParsedRequest parsed = parser.parse(message.getPayload(), key, headers);
            id = parsed.id();
            if (!dedup.firstSeen(id, received)) {
                metrics.duplicateSkipped();
                LOG.debugf("request %s seen before; skipped", id);
                message.ack();
                release.run();
                return;
            }
            long deadline = longHeader(headers, "x-deadline");
            if (deadline > 0 && System.currentTimeMillis() > deadline) {
                String requestId = id;
                publisher.result(InferenceResult.failure(id, Status.expired, "deadline_exceeded",
                        "the deadline " + deadline + " had passed when the request was consumed", models.modelId()))
                        .thenCompose(done -> message.ack())
                        .thenRun(() -> metrics.requestAnswered(Status.expired.name()))
                        .exceptionally(f -> logFailure(requestId, f));
                release.run();
                return;
            }
            RequestPreparer.Prepared prepared = preparer.prepare(parsed.request(), fetchImages(parsed.request()));
            InferenceJob job = new InferenceJob(id, prepared.request(), prepared.reduction(), deadline,
                    (int) longHeader(headers, "x-priority"), received, prepared.visualTokens(), prepared.kvTokens(), message::ack,
                    release);
            if (!inference.submit(job)) {
                refuse(message, meta, headers, id, Status.rejected, "queue_closed",
                        "the service is shutting down and takes no more requests", release);
            }
        } catch (InvalidRequestException e) {
            refuse(message, meta, headers, id, Status.invalid, e.wireCode(), e.getMessage(), release);
        } catch (RuntimeException e) {
            LOG.errorf(e, "could not prepare request %s", id);
            refuse(message, meta, headers, id, Status.error, "internal_error", String.valueOf(e.getMessage()), release);
        }
    }

    private List<byte[]> fetchImages(InferenceRequest request) {
        List<byte[]> images = new ArrayList<>();
        if (request.images() != null) {
            for (InferenceRequest.ImageInput image : request.images()) {
                images.add(fetcher.fetch(image));
            }
        }
        return images;
    }

    private void refuse(Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> meta, Map<String, String> headers,
            String id, Status status, String code, String reason, Runnable release) {
        byte[] payload = message.getPayload() == null ? new byte[0] : message.getPayload();
        String text = utf8(payload);
        DeadLetterRecord dead = new DeadLetterRecord(id, code, reason, text,
                text == null ? Base64.getEncoder().encodeToString(payload) : null, headers,
                meta == null ? null : meta.getTopic(), meta == null ? null : meta.getPartition(),
                meta == null ? null : meta.getOffset(), System.currentTimeMillis());
        InferenceResult result = InferenceResult.failure(id, status, code, reason, models.modelId());
        publisher.refused(dead, result)
                .thenCompose(done -> message.ack())
                .thenRun(() -> metrics.requestAnswered(status.name()))
                .exceptionally(f -> logFailure(id, f));
        release.run();
    }

    private static Void logFailure(String id, Throwable failure) {
        LOG.errorf(failure, "could not publish the answer to %s", id);
        return null;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static long longHeader(Map<String, String> headers, String name) {
        String v = headers.get(name);
        if (v == null || v.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(InvalidRequestException.Code.SCHEMA_VIOLATION,
                    "header " + name + " must be an integer, got '" + v + "'");
        }
    }

    @PreDestroy
    void close() {
        executor.shutdown();
        if (preparer != null) {
            preparer.close();
        }
    }
}
