package dev.vscan.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Worker threads that take batches from one {@link RequestBatcher} and hand them to their own
 * {@link BatchHandler}. A handler that throws does not stop its worker: it must answer the batch's
 * requests itself; the pool only logs. {@link #shutdown} lets queued and in-flight batches finish.
 */
public final class WorkerPool<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class.getName());

    private final RequestBatcher<T> batcher;
    private final List<Thread> threads = new ArrayList<>();

    public WorkerPool(RequestBatcher<T> batcher, int workers, IntFunction<BatchHandler<T>> handlers) {
        if (workers < 1) {
            throw new IllegalArgumentException("worker count must be at least 1, got " + workers);
        }
        this.batcher = batcher;
        for (int i = 0; i < workers; i++) {
            BatchHandler<T> handler = handlers.apply(i);
            Thread thread = new Thread(() -> run(handler), "vscan-worker-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    public void start() {
        threads.forEach(Thread::start);
    }

    private void run(BatchHandler<T> handler) {
        while (true) {
            List<QueuedRequest<T>> batch;
            try {
                batch = batcher.nextBatch();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (batch.isEmpty()) {
                return;
            }
            try {
                handler.handle(batch);
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "batch handler failed on " + batch.size() + " requests", e);
            }
        }
    }

    /** Stops taking new requests, drains what is queued and waits up to {@code timeoutMillis}. */
    public void shutdown(long timeoutMillis) {
        batcher.close();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Thread t : threads) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                t.join(Math.max(1, left));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        shutdown(30_000);
    }
}
