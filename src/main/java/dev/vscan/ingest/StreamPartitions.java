package dev.vscan.ingest;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The stream-topic partitions the {@link StreamFollower} holds, its position fixed at the end the moment each
 * is assigned (as {@link ResultPartitions} does for results), so that readiness can wait for them.
 */
@ApplicationScoped
@Identifier(StreamPartitions.NAME)
public class StreamPartitions implements KafkaConsumerRebalanceListener {

    /** Referenced by mp.messaging.incoming.stream-in.consumer-rebalance-listener.name. */
    public static final String NAME = "vscan-stream-in";

    private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        for (TopicPartition p : partitions) {
            consumer.position(p);
        }
        assigned.addAll(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
    }

    @Override
    public void onPartitionsLost(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned.removeAll(partitions);
    }

    public int assignedCount() {
        return assigned.size();
    }
}
