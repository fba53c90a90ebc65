package dev.vscan.messaging;

import dev.vscan.core.InferenceService;
import dev.vscan.core.RequestIntake;
import dev.vscan.core.ServingRole;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs the request topic's exactly-once processor on instances that run the model: started once the
 * broker and the workers are, stopped in two steps at shutdown (no new records, then, once the workers
 * have drained, the last commit).
 */
@ApplicationScoped
public class RequestProcessing {

    @Inject
    MessagingConfig config;

    @Inject
    ServingRole role;

    @Inject
    BrokerLifecycle broker;

    @Inject
    RequestIntake intake;

    @Inject
    InferenceService inference;

    @Inject
    AnswerQueue answers;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private volatile TransactionalProcessor processor;

    void start(@Observes @Priority(30) StartupEvent event) {
        if (!role.runsModel()) {
            return;
        }
        Map<String, Object> client = new HashMap<>(kafka);
        client.put("bootstrap.servers", broker.bootstrapServers());
        MessagingConfig.Processing p = config.processing();
        processor = new TransactionalProcessor(new TransactionalProcessor.Settings(config.topics().requests(),
                p.groupId(), p.instanceId(), p.transactionTimeout(), inference.queueCapacity(), p.revokeWait()),
                client, intake, answers, config.topics());
        processor.start();
    }

    /** Null on an ingest-only instance. */
    TransactionalProcessor processor() {
        return processor;
    }

    void stopConsuming(@Observes @Priority(1000) ShutdownEvent event) {
        if (processor != null) {
            processor.stopConsuming();
        }
    }

    void stop(@Observes @Priority(4000) ShutdownEvent event) {
        if (processor != null) {
            processor.close();
        }
    }
}
