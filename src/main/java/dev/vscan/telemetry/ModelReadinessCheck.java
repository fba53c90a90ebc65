package dev.vscan.telemetry;

import dev.vscan.core.InferenceService;
import dev.vscan.core.ServingRole;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once every model replica is loaded and has run a warm-up forward. Kafka reachability is
 * reported next to it by the messaging connector's own readiness checks.
 */
@Readiness
@ApplicationScoped
public class ModelReadinessCheck implements HealthCheck {

    @Inject
    InferenceService inference;

    @Inject
    ServingRole role;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder r = HealthCheckResponse.named("model").withData("role", role.name());
        if (!role.runsModel()) {
            return r.up().withData("model", "none (ingest role)").build();
        }
        if (inference.loadFailure() != null) {
            return r.down().withData("error", String.valueOf(inference.loadFailure().getMessage())).build();
        }
        return (inference.isReady() ? r.up() : r.down()).withData("queue_depth", inference.queueDepth()).build();
    }
}
