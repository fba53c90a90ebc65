package dev.vscan.ingest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;

/**
 * Writes accepted HTTP requests to the request topic, keyed by request id with the same headers any
 * other producer would set. A send completes when the broker stored the record, so the client is
 * told "accepted" only for a request that cannot be lost.
 */
@ApplicationScoped
public class RequestProducer {

    @Inject
    @Channel("requests-out")
    @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 1024)
    Emitter<byte[]> requests;

    /**
     * @param deadlineEpochMs the x-deadline header, or null for none
     * @param priority        the x-priority header, or null for the default
     */
    public CompletionStage<Void> send(String id, byte[] body, Long deadlineEpochMs, Integer priority) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-request-id", utf8(id));
        headers.add("content-type", utf8("application/json"));
        if (deadlineEpochMs != null) {
            headers.add("x-deadline", utf8(deadlineEpochMs.toString()));
        }
        if (priority != null) {
            headers.add("x-priority", utf8(priority.toString()));
        }
        return AcknowledgedSend.send(requests, id, body, headers);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
