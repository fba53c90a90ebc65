package dev.vscan.ingest;

import dev.vscan.wire.InferenceResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Results by request id, bounded in count (least recently used goes first) and in age, plus the
 * callers waiting for an id that has no result yet. A waiter is a future: nobody blocks a thread.
 */
public final class ResultCache {

    private record Entry(InferenceResult result, long storedNanos) {}

    private final int maxEntries;
    private final long maxAgeNanos;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Entry> results = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<String, List<CompletableFuture<InferenceResult>>> waiters = new LinkedHashMap<>();

    public ResultCache(int maxEntries, Duration maxAge) {
        this(maxEntries, maxAge, System::nanoTime);
    }

    /** @param clock nanoseconds, monotonic; tests pass their own */
    public ResultCache(int maxEntries, Duration maxAge, LongSupplier clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("the result cache needs room for at least 1 result, got " + maxEntries);
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("results must be kept for a positive time, got " + maxAge);
        }
        this.maxEntries = maxEntries;
        this.maxAgeNanos = maxAge.toNanos();
        this.clock = clock;
    }

    /** Stores a result (a later one for the same id replaces it) and completes its waiters. */
    public void put(InferenceResult result) {
        List<CompletableFuture<InferenceResult>> waiting;
        synchronized (this) {
            long now = clock.getAsLong();
            results.remove(result.id());
            results.put(result.id(), new Entry(result, now));
            evict(now);
            waiting = waiters.remove(result.id());
        }
        // Completed outside the lock: their continuations may write HTTP responses.
        if (waiting != null) {
            waiting.forEach(w -> w.complete(result));
        }
    }

    public synchronized Optional<InferenceResult> get(String id) {
        long now = clock.getAsLong();
        evict(now);
        Entry e = results.get(id);
        if (e != null && expired(e, now)) {
            results.remove(id);
            e = null;
        }
        return e == null ? Optional.empty() : Optional.of(e.result());
    }

    /**
     * A future that completes with the result of {@code id}: at once when it is known, else when it
     * arrives. The caller adds the timeout and must {@link #cancel} the future when it gives up.
     */
    public synchronized CompletableFuture<InferenceResult> await(String id) {
        Optional<InferenceResult> known = get(id);
        if (known.isPresent()) {
            return CompletableFuture.completedFuture(known.get());
        }
        CompletableFuture<InferenceResult> waiter = new CompletableFuture<>();
        waiters.computeIfAbsent(id, k -> new ArrayList<>()).add(waiter);
        return waiter;
    }

    /** Forgets a waiter that timed out or whose client went away. */
    public synchronized void cancel(String id, CompletableFuture<InferenceResult> waiter) {
        List<CompletableFuture<InferenceResult>> list = waiters.get(id);
        if (list != null) {
            list.remove(waiter);
            if (list.isEmpty()) {
                waiters.remove(id);
            }
        }
    }

    public synchronized int size() {
        return results.size();
    }

    public synchronized int waiting() {
        return waiters.values().stream().mapToInt(List::size).sum();
    }

    private boolean expired(Entry e, long now) {
        return now - e.storedNanos() > maxAgeNanos;
    }

    private void evict(long now) {
        // The head is the least recently used entry. Expired entries are removed from the head until
        // a live one: O(1) per call; an expired entry behind it is caught when it is looked up.
        Iterator<Entry> it = results.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (results.size() > maxEntries || expired(e, now)) {
                it.remove();
            } else {
                break;
            }
        }
    }
}
