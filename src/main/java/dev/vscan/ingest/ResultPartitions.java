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
 * Tracks the result-topic partitions the ingest's consumer holds. With {@code auto.offset.reset=latest}
 * a result written before a partition's position is fixed would be missed, so the position is fixed
 * right at assignment, and readiness waits for it.
 */
@ApplicationScoped
@Identifier(ResultPartitions.NAME)
public class ResultPartitions implements KafkaConsumerRebalanceListener {

    /** Referenced by mp.messaging.incoming.results-in.consumer-rebalance-listener.name. */
    public static final String NAME = "vscan-results-in";

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
