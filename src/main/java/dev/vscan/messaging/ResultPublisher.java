package dev.vscan.messaging;

import dev.vscan.core.Answer;
import dev.vscan.core.AnswerSink;
import dev.vscan.wire.DeadLetterRecord;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.MessageJson;
import dev.vscan.wire.TelemetryEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Writes results, telemetry and dead letters, keyed by request id. Each send completes when the
 * broker acknowledged the record, so callers can acknowledge the request only after its answer is
 * safely stored (at-least-once).
 */
@ApplicationScoped
public class ResultPublisher implements AnswerSink {

    @Inject
    @Channel("results")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    Emitter<byte[]> results;

    @Inject
    @Channel("telemetry")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    Emitter<byte[]> telemetry;

    @Inject
    @Channel("dlq")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096)
    Emitter<byte[]> deadLetters;

    public CompletionStage<Void> result(InferenceResult result) {
        return send(results, result.id(), MessageJson.write(result));
    }

    public CompletionStage<Void> telemetry(TelemetryEvent event) {
        return send(telemetry, event.id(), MessageJson.write(event));
    }

    public CompletionStage<Void> deadLetter(DeadLetterRecord record) {
        return send(deadLetters, record.id(), MessageJson.write(record));
    }

    /** Writes an answer's records, then acknowledges the request record they answer (at-least-once). */
    @Override
    public CompletionStage<Void> deliver(Answer answer) {
        CompletionStage<Void> stored = CompletableFuture.completedFuture(null);
        if (answer.deadLetter() != null) {
            stored = stored.thenCombine(deadLetter(answer.deadLetter()), (a, b) -> null);
        }
        if (answer.result() != null) {
            stored = stored.thenCombine(result(answer.result()), (a, b) -> null);
        }
        if (answer.telemetry() != null) {
            stored = stored.thenCombine(telemetry(answer.telemetry()), (a, b) -> null);
        }
        return answer.receipt() instanceof Message<?> m ? stored.thenCompose(done -> m.ack()) : stored;
    }

    private static CompletionStage<Void> send(Emitter<byte[]> emitter, String key, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        if (key != null) {
            headers.add("x-request-id", key.getBytes(StandardCharsets.UTF_8));
        }
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key).withHeaders(headers).build();
        CompletableFuture<Void> stored = new CompletableFuture<>();
        emitter.send(Message.of(value, Metadata.of(metadata), () -> {
            stored.complete(null);
            return CompletableFuture.completedFuture(null);
        }, failure -> {
            stored.completeExceptionally(failure);
            return CompletableFuture.completedFuture(null);
        }));
        return stored;
    }

    /** Text view of Kafka headers, for dead letters. */
    public static Map<String, String> headerMap(org.apache.kafka.common.header.Headers headers) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        if (headers != null) {
            headers.forEach(h -> out.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8)));
        }
        return out;
    }
}
