package dev.vscan.ingest;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/** The stream-topic partitions the {@link StreamFollower} holds. */
@ApplicationScoped
@Identifier(StreamPartitions.NAME)
public class StreamPartitions extends AssignedPartitions {

    /** Referenced by mp.messaging.incoming.stream-in.consumer-rebalance-listener.name. */
    public static final String NAME = "vscan-stream-in";
}
