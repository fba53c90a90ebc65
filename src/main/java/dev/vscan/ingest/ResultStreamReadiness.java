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
 * Ready once the ingest reads the result topic: before that, an accepted request's result could go
 * by unseen and its GET would wait in vain.
 */
@Readiness
@ApplicationScoped
public class ResultStreamReadiness implements HealthCheck {

    @Inject
    @Identifier(ResultPartitions.NAME)
    ResultPartitions partitions;

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
        return HealthCheckResponse.named("results")
                .withData("topic", resultTopic)
                .withData("partitions_assigned", held)
                .status(held > 0)
                .build();
    }
}
