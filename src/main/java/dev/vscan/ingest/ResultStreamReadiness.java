package dev.vscan.ingest;

import dev.vscan.core.ServingRole;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the ingest reads the result topic and the stream topic: before that, an accepted request's
 * result could go by unseen and its GET would wait in vain, and a streamed answer would start late.
 */
@Readiness
@ApplicationScoped
public class ResultStreamReadiness implements HealthCheck {

    @Inject
    @Identifier(ResultPartitions.NAME)
    ResultPartitions partitions;

    @Inject
    @Identifier(StreamPartitions.NAME)
    StreamPartitions streamPartitions;

    @Inject
    ServingRole role;

    @ConfigProperty(name = "mp.messaging.incoming.results-in.topic")
    String resultTopic;

    @Override
    public HealthCheckResponse call() {
        if (!role.servesHttp()) {
            return HealthCheckResponse.named("results").up().withData("role", role.name()).build();
        }
        int held = partitions.assignedCount();
        int streams = streamPartitions.assignedCount();
        return HealthCheckResponse.named("results")
                .withData("topic", resultTopic)
                .withData("partitions_assigned", held)
                .withData("stream_partitions_assigned", streams)
                .status(held > 0 && streams > 0)
                .build();
    }
}
