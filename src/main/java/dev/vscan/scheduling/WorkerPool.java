package dev.vscan.scheduling;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Worker threads that each drive their own {@link RunningSet}, scheduled per iteration: an idle
 * worker waits for a batch from the shared {@link RequestBatcher}; a decoding worker, between two
 * steps, admits what the queue holds as far as its {@link AdmissionPolicy} allows (with continuous
 * admission off, only once its set is empty: static batching). A running set that throws does not
 * stop its worker: it must answer its requests itself; the pool only logs. {@link #shutdown} stops
 * the intake and lets every worker finish what is queued and what it is running.
 */
public final class WorkerPool<T> implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkerPool.class.getName());

    private final RequestBatcher<T> batcher;
    private final AdmissionPolicy admission;
    private final List<Thread> threads = new ArrayList<>();

    public WorkerPool(RequestBatcher<T> batcher, AdmissionPolicy admission, int workers,
            IntFunction<RunningSet<T>> runningSets) {
        if (workers < 1) {
            throw new IllegalArgumentException("worker count must be at least 1, got " + workers);
        }
        this.batcher = batcher;
        this.admission = admission;
        for (int i = 0; i < workers; i++) {
            RunningSet<T> set = runningSets.apply(i);
            Thread thread = new Thread(() -> run(set), "vscan-worker-" + i);
            thread.setDaemon(true);
            threads.add(thread);
        }
    }

    public void start() {
        threads.forEach(Thread::start);
    }

    private void run(RunningSet<T> set) {
        while (true) {
            List<QueuedRequest<T>> admitted;
            if (set.size() == 0) {
                try {
                    admitted = batcher.nextBatch(admission.maxRunning(), admission.kvTokenBudget());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (admitted.isEmpty()) {
                    return;
                }
            } else if (admission.continuous()) {
                admitted = batcher.poll(admission.maxRunning() - set.size(),
                        admission.kvTokenBudget() - set.kvTokens());
            } else {
                admitted = List.of();
            }
            try {
                if (!admitted.isEmpty()) {
                    set.admit(admitted);
                }
                set.step();
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "running set failed with " + set.size() + " requests running", e);
            }
        }
    }

    /** Stops taking new requests, drains what is queued and running, and waits up to {@code timeoutMillis}. */
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
