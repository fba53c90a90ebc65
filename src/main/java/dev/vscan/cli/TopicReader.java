package dev.vscan.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads every partition of some topics without a consumer group (nothing is committed, no other reader is
 * disturbed), committed records only: the service writes its answers in transactions, and an aborted
 * attempt must never be shown as an answer.
 */
final class TopicReader implements AutoCloseable {

    private final KafkaConsumer<String, byte[]> consumer;

    private TopicReader(KafkaConsumer<String, byte[]> consumer) {
        this.consumer = consumer;
    }

    /**
     * A reader at the current end of the topics, or at their beginning. The positions are fixed before this
     * returns, so that whatever is written afterwards is read.
     */
    static TopicReader open(KafkaSettings settings, List<String> topics, boolean fromBeginning) {
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(settings.clientConfig(Map.of(
                "isolation.level", "read_committed",
                "enable.auto.commit", false,
                "allow.auto.create.topics", false,
                "default.api.timeout.ms", KafkaSettings.CONNECT_TIMEOUT_MS)),
                new StringDeserializer(), new ByteArrayDeserializer());
        try {
            List<TopicPartition> partitions = partitions(consumer, settings, topics);
            consumer.assign(partitions);
            if (fromBeginning) {
                consumer.seekToBeginning(partitions);
            } else {
                consumer.seekToEnd(partitions);
            }
            // seeks are lazy: ask for each position now, not at the first poll, which may come after the send
            partitions.forEach(consumer::position);
            return new TopicReader(consumer);
        } catch (RuntimeException e) {
            consumer.close(Duration.ZERO);
            throw e;
        }
    }

    ConsumerRecords<String, byte[]> poll(Duration timeout) {
        return consumer.poll(timeout);
    }

    /** Makes a poll in progress, or the next one, throw a {@code WakeupException}; safe from any thread. */
    void wakeup() {
        consumer.wakeup();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, KafkaSettings settings,
            List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> info = consumer.partitionsFor(topic);
            if (info == null || info.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist on " + settings.bootstrap());
            }
            info.forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        return partitions;
    }
}
