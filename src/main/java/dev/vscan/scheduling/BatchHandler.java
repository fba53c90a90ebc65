package dev.vscan.scheduling;

import java.util.List;

/** What a worker does with a batch; one instance per worker, so it may own a model replica. */
@FunctionalInterface
public interface BatchHandler<T> {

    void handle(List<QueuedRequest<T>> batch);
}
