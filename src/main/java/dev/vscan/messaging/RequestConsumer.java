package dev.vscan.messaging;

import dev.vscan.core.IncomingRequest;
import dev.vscan.core.InferenceService;
import dev.vscan.core.RecordHeader;
import dev.vscan.core.RecordPosition;
import dev.vscan.core.RequestIntake;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Consumes the request topic with demand bounded by the queue capacity. */
@ApplicationScoped
public class RequestConsumer {

    @Inject
    RequestIntake intake;

    @Inject
    InferenceService inference;

    @Incoming("requests")
    public Flow.Subscriber<Message<byte[]>> requests() {
        return new RequestSubscriber(inference.queueCapacity(), (message, release) -> intake.accept(incoming(message), release));
    }

    private static IncomingRequest incoming(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<?, ?> meta = message.getMetadata(IncomingKafkaRecordMetadata.class).orElse(null);
        List<RecordHeader> headers = new ArrayList<>();
        if (meta != null && meta.getHeaders() != null) {
            meta.getHeaders().forEach(h -> headers.add(new RecordHeader(h.key(), h.value())));
        }
        byte[] key = meta == null ? null : (byte[]) meta.getKey();
        return new IncomingRequest(message.getPayload(), key, headers,
                meta == null ? null : new RecordPosition(meta.getTopic(), meta.getPartition(), meta.getOffset()),
                message, System.nanoTime());
    }
}
