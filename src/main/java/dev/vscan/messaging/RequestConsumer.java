package dev.vscan.messaging;

import dev.vscan.service.RequestIntake;
import dev.vscan.service.ServiceConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.Flow;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/** Consumes the request topic with demand bounded by the queue capacity. */
@ApplicationScoped
public class RequestConsumer {

    @Inject
    RequestIntake intake;

    @Inject
    ServiceConfig config;

    @Incoming("requests")
    public Flow.Subscriber<Message<byte[]>> requests() {
        return new RequestSubscriber(config.batch().queueCapacity(), intake::accept);
    }
}
