package dev.vscan.scheduling;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded priority queue that hands requests to workers. {@link #offer} never blocks: a full queue
 * says no and the caller stops consuming (nothing is dropped). An idle worker blocks in
 * {@link #nextBatch(int, long)}; a decoding worker asks {@link #poll} between steps for what fits its
 * running set.
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
     * The next batch for an idle worker, in priority order: blocks for the first request, then gathers
     * more until the batch is full by count or visual tokens, or the delay is up. A request larger than
     * the visual-token budget on its own still runs, alone. Returns an empty list once closed and drained.
     */
    public List<QueuedRequest<T>> nextBatch() throws InterruptedException {
        return nextBatch(policy.maxBatchSize(), Long.MAX_VALUE);
    }

    /**
     * As {@link #nextBatch()}, also bounded by {@code maxRequests} and by {@code kvTokens} of KV cache;
     * the first request is taken even when it alone exceeds the KV budget (it then runs alone).
     */
    public List<QueuedRequest<T>> nextBatch(int maxRequests, long kvTokens) throws InterruptedException {
        lock.lock();
        try {
            while (queue.isEmpty() && !closed) {
                arrived.await();
            }
            List<QueuedRequest<T>> batch = new ArrayList<>();
            long deadline = System.nanoTime() + policy.maxDelay().toNanos();
            Budget budget = new Budget(maxRequests, kvTokens, true);
            while (!budget.full(batch)) {
                if (queue.isEmpty()) {
                    long wait = deadline - System.nanoTime();
                    if (closed || wait <= 0) {
                        break;
                    }
                    arrived.await(wait, TimeUnit.NANOSECONDS);
                    continue;
                }
                if (!budget.takeHead(batch)) {
                    break;
                }
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /**
     * For a worker that is decoding: what may join its running set now, without waiting, in priority
     * order, while it fits {@code maxRequests} and {@code kvTokens}. The first request that does not fit
     * stops the poll, so a large request is not overtaken forever by smaller ones behind it.
     */
    public List<QueuedRequest<T>> poll(int maxRequests, long kvTokens) {
        lock.lock();
        try {
            List<QueuedRequest<T>> batch = new ArrayList<>();
            Budget budget = new Budget(maxRequests, kvTokens, false);
            while (!budget.full(batch) && !queue.isEmpty() && budget.takeHead(batch)) {
                // taken
            }
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** What a batch being gathered may still take; used under the lock. */
    private final class Budget {
        private final int maxRequests;
        private final long kvTokens;
        private final boolean firstAlwaysFits;
        private int visual;
        private long kv;

        Budget(int maxRequests, long kvTokens, boolean firstAlwaysFits) {
            this.maxRequests = Math.min(maxRequests, policy.maxBatchSize());
            this.kvTokens = kvTokens;
            this.firstAlwaysFits = firstAlwaysFits;
        }

        boolean full(List<QueuedRequest<T>> batch) {
            return batch.size() >= maxRequests;
        }

        /** Moves the queue's head into the batch if it fits; false when it does not. */
        boolean takeHead(List<QueuedRequest<T>> batch) {
            QueuedRequest<T> head = queue.peek().request();
            boolean alone = batch.isEmpty() && firstAlwaysFits;
            if (!alone && (visual + head.visualTokens() > policy.maxVisualTokens() && !batch.isEmpty()
                    || kv + head.kvTokens() > kvTokens)) {
                return false;
            }
            queue.poll();
            batch.add(head);
            visual += head.visualTokens();
            kv += head.kvTokens();
            return true;
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
