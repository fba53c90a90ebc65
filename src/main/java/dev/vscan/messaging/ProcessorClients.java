package dev.vscan.messaging;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/** The request processor's two Kafka clients, from the service's kafka.* settings plus what exactly once needs. */
final class ProcessorClients {

    private ProcessorClients() {}

    /** A transactional producer, initialized: its first transaction may begin. */
    static KafkaProducer<byte[], byte[]> producer(Map<String, Object> clientConfig,
            TransactionalProcessor.Settings settings, String transactionalId) {
        Properties props = new Properties();
        props.putAll(clientConfig);
        props.put("transactional.id", transactionalId);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("linger.ms", "0");
        props.put("transaction.timeout.ms", String.valueOf(settings.transactionTimeout().toMillis()));
        props.put("max.request.size", String.valueOf(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES));
        props.put("client.id", "vscan-answers-" + settings.instanceId());
        props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props);
        try {
            p.initTransactions();
        } catch (RuntimeException e) {
            p.close(Duration.ZERO);
            throw e;
        }
        return p;
    }

    /** The workers' group member: read_committed, no auto-commit (offsets commit in transactions). */
    static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> clientConfig,
            TransactionalProcessor.Settings settings) {
        Properties props = new Properties();
        props.putAll(clientConfig);
        props.put("group.id", settings.groupId());
        props.put("group.instance.id", settings.instanceId());
        props.put("client.id", "vscan-requests-" + settings.instanceId());
        props.put("isolation.level", "read_committed");
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        // a poll brings at most what the core takes at once: the processor holds one poll's worth beyond the
        // core's queue, the rest waits in Kafka. Smaller polls cap throughput, one poll per transaction.
        props.put("max.poll.records", String.valueOf(Math.max(1, settings.capacity())));
        // a worker that vanished frees its partitions this soon (its restart takes them back at once)
        props.put("session.timeout.ms", "10000");
        props.put("max.partition.fetch.bytes", String.valueOf(EmbeddedKafkaBroker.MAX_MESSAGE_BYTES));
        props.put("fetch.max.bytes", String.valueOf(4L * EmbeddedKafkaBroker.MAX_MESSAGE_BYTES));
        props.put("partition.assignment.strategy", "org.apache.kafka.clients.consumer.CooperativeStickyAssignor");
        props.put("key.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        props.put("value.deserializer", "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        return new KafkaConsumer<>(props);
    }
}
