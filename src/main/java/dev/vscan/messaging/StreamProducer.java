package dev.vscan.messaging;

import dev.vscan.core.ServingRole;
import dev.vscan.core.StreamSink;
import dev.vscan.wire.MessageJson;
import dev.vscan.wire.StreamChunk;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jboss.logging.Logger;

/**
 * Writes streamed answers' text to the stream topic, keyed by request id. An idempotent producer of its
 * own, outside the workers' transactions: a chunk is visible to read_uncommitted readers the moment the
 * broker has it, and one request's chunks stay in order on its partition. Losing a chunk loses progress
 * only (the result is the record of truth), so a failed send is logged, never retried by the core.
 */
@ApplicationScoped
public class StreamProducer implements StreamSink {

    private static final Logger LOG = Logger.getLogger(StreamProducer.class);

    @Inject
    MessagingConfig config;

    @Inject
    ServingRole role;

    @Inject
    BrokerLifecycle broker;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private volatile KafkaProducer<byte[], byte[]> producer;

    /** After the broker (priority 1), before the request processor hands the workers anything (30). */
    void start(@Observes @Priority(20) StartupEvent event) {
        if (role.runsModel()) {
            producer = newProducer(kafka, broker.bootstrapServers(), config.processing().instanceId());
        }
    }

    static KafkaProducer<byte[], byte[]> newProducer(Map<String, Object> clientConfig, String bootstrap,
            String instanceId) {
        Properties props = new Properties();
        props.putAll(clientConfig);
        props.put("bootstrap.servers", bootstrap);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        // a chunk is worth sending the moment it exists
        props.put("linger.ms", "0");
        // the worker's thread calls send between decode steps: never wait long for metadata or buffer room
        props.put("max.block.ms", "2000");
        props.put("client.id", "vscan-stream-" + instanceId);
        props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        return new KafkaProducer<>(props);
    }

    @Override
    public void emit(StreamChunk chunk) {
        KafkaProducer<byte[], byte[]> p = producer;
        if (p == null) {
            return; // not started (an ingest-only instance runs no workers) or shutting down
        }
        byte[] key = chunk.id().getBytes(StandardCharsets.UTF_8);
        RecordHeaders headers = new RecordHeaders();
        headers.add("x-request-id", key);
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        try {
            p.send(new ProducerRecord<>(config.topics().stream(), null, key, MessageJson.write(chunk), headers),
                    (metadata, failure) -> {
                        if (failure != null) {
                            LOG.warnf("a stream chunk of %s was not written: %s", chunk.id(), failure.toString());
                        }
                    });
        } catch (RuntimeException e) {
            LOG.warnf("a stream chunk of %s was not written: %s", chunk.id(), e.toString());
        }
    }

    /** After the request processor's last commit (4000): the workers have emitted what they will. */
    void stop(@Observes @Priority(4500) ShutdownEvent event) {
        KafkaProducer<byte[], byte[]> p = producer;
        producer = null;
        if (p != null) {
            p.close(Duration.ofSeconds(5));
        }
    }
}
