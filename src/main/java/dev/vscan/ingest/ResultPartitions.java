package dev.vscan.ingest;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;

/** The result-topic partitions the ingest's {@link ResultStore} follows. */
@ApplicationScoped
@Identifier(ResultPartitions.NAME)
public class ResultPartitions extends AssignedPartitions {

    /** Referenced by mp.messaging.incoming.results-in.consumer-rebalance-listener.name. */
    public static final String NAME = "vscan-results-in";
}
