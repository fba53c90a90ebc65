package dev.vscan.service;

import dev.vscan.core.InferenceService;
import dev.vscan.core.RequestIntake;
import dev.vscan.core.ServingRole;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

/** Starts the workers after the broker is up and, at shutdown, lets them finish before Kafka closes. */
@ApplicationScoped
public class ServingLifecycle {

    @Inject
    ServiceConfig config;

    @Inject
    ServingRole role;

    @Inject
    InferenceService inference;

    @Inject
    RequestIntake intake;

    void start(@Observes @Priority(20) StartupEvent event) {
        if (role.runsModel()) {
            inference.start();
        }
    }

    void stop(@Observes ShutdownEvent event) {
        intake.close();
        // Finish what is queued and running; their answers still go out before Kafka closes.
        inference.shutdown(config.batch().maxDelay().toMillis() + 60_000);
    }
}
