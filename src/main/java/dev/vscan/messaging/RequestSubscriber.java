package dev.vscan.messaging;

import java.util.concurrent.Flow;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Pulls request records with explicit demand: {@code capacity} at first, then one more each time a
 * record leaves the service's queue. When the workers fall behind, demand stops, and the Kafka
 * connector pauses the partitions instead of buffering: nothing is dropped, the lag just grows.
 */
final class RequestSubscriber implements Flow.Subscriber<Message<byte[]>> {

    private static final Logger LOG = Logger.getLogger(RequestSubscriber.class);

    private final int capacity;
    private final BiConsumer<Message<byte[]>, Runnable> handler;
    private volatile Flow.Subscription subscription;

    RequestSubscriber(int capacity, BiConsumer<Message<byte[]>, Runnable> handler) {
        this.capacity = capacity;
        this.handler = handler;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(capacity);
    }

    @Override
    public void onNext(Message<byte[]> message) {
        handler.accept(message, this::release);
    }

    private void release() {
        Flow.Subscription s = subscription;
        if (s != null) {
            s.request(1);
        }
    }

    @Override
    public void onError(Throwable failure) {
        LOG.error("the request stream failed", failure);
    }

    @Override
    public void onComplete() {
        LOG.info("the request stream completed");
    }
}
