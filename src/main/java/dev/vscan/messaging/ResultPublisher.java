package dev.vscan.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Writes results, telemetry and dead letters, keyed by request id. Each send completes when the
 * broker acknowledged the record, so callers can acknowledge the request only after its answer is
 * safely stored (at-least-once).
 */
@ApplicationScoped
public class ResultPublisher {

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

    /** A refused request: the dead letter and the producer's error result, completing when both are stored. */
    public CompletionStage<Void> refused(DeadLetterRecord deadLetter, InferenceResult result) {
        return deadLetter(deadLetter).thenCombine(result(result), (a, b) -> null);
    }

    private static CompletionStage<Void> send(Emitter<byte[]> emitter, String key, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        if (key != null) {
            headers.add("x-request-id", key.getBytes(StandardCharsets.UTF_8));
        }
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        return AcknowledgedSend.send(emitter, key, value, headers);
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
