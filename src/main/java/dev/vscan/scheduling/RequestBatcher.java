package dev.vscan.scheduling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded priority queue that hands out batches. {@link #offer} never blocks: a full queue says no
 * and the caller stops consuming (nothing is dropped). {@link #nextBatch} blocks for the first
 * request, then gathers more until the batch is full by count or visual tokens, or the delay is up.
 */
public final class RequestBatcher<T> {

    private record Entry<T>(QueuedRequest<T> request, long sequence) {}

    private final BatchPolicy policy;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition arrived = lock.newCondition();
    private final PriorityQueue<Entry<T>> queue = new PriorityQueue<>(
            Comparator.<Entry<T>>comparingInt(e -> -e.request().priority()).thenComparingLong(Entry::sequence));
    private long sequence;
    private boolean closed;

    public RequestBatcher(BatchPolicy policy) {
        this.policy = policy;
    }

    public BatchPolicy policy() {
        return policy;
    }

    /** Adds a request; false when the queue is full or closed. */
    public boolean offer(QueuedRequest<T> request) {
        lock.lock();
        try {
            if (closed || queue.size() >= policy.queueCapacity()) {
                return false;
            }
            queue.add(new Entry<>(request, sequence++));
            arrived.signalAll();
            return true;
        } finally {
            lock.unlock();
        }
    }

    public int size() {
        lock.lock();
        try {
            return queue.size();
        } finally {
            lock.unlock();
        }
    }

    public boolean isFull() {
        return size() >= policy.queueCapacity();
    }

    /**
     * The next batch, in priority order. A request larger than the visual-token budget on its own
     * still runs, alone. Returns an empty list once closed and drained.
     */
    public List<QueuedRequest<T>> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                arrived.await();
            }
            List<QueuedRequest<T>> batch = new ArrayList<>();
            int tokens = 0;
            long deadline = System.nanoTime() + policy.maxDelay().toNanos();
            while (batch.size() < policy.maxBatchSize()) {
                Entry<T> head = queue.peek();
                if (head == null) {
                    long wait = deadline - System.nanoTime();
                    if (closed || wait <= 0) {
                        break;
                    }
                    arrived.await(wait, TimeUnit.NANOSECONDS);
                    continue;
                }
                int cost = head.request().visualTokens();
                if (!batch.isEmpty() && tokens + cost > policy.maxVisualTokens()) {
                    break;
                }
                queue.poll();
                batch.add(head.request());
                tokens += cost;
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes waiting workers; requests still queued are handed out before batches come back empty. */
    public void close() {
        lock.lock();
        try {
            closed = true;
            arrived.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
