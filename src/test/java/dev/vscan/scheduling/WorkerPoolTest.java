package dev.vscan.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Per-iteration scheduling with a running set that needs no model: each request runs for its own step count. */
class WorkerPoolTest {

    /** A request that finishes after {@code steps} decode steps. */
    private record Work(String name, int steps) {}

    /** Decodes by counting; records what ran in each step and when each request finished. */
    private static final class CountingSet implements RunningSet<Work> {
        final List<Work> running = new ArrayList<>();
        final List<Integer> left = new ArrayList<>();
        final List<Long> kv = new ArrayList<>();
        final List<String> finished = Collections.synchronizedList(new ArrayList<>());
        int mostRunning;
        long mostKv;

        @Override
        public int size() {
            return running.size();
        }

        @Override
        public long kvTokens() {
            return kv.stream().mapToLong(Long::longValue).sum();
        }

        @Override
        public void admit(List<QueuedRequest<Work>> requests) {
            for (QueuedRequest<Work> q : requests) {
                running.add(q.work());
                left.add(q.work().steps());
                kv.add(q.kvTokens());
            }
            mostRunning = Math.max(mostRunning, running.size());
            mostKv = Math.max(mostKv, kvTokens());
        }

        @Override
        public void step() {
            for (int i = running.size() - 1; i >= 0; i--) {
                left.set(i, left.get(i) - 1);
                if (left.get(i) == 0) {
                    finished.add(running.remove(i).name());
                    left.remove(i);
                    kv.remove(i);
                }
            }
            try {
                Thread.sleep(1); // a decode step takes time; lets requests arrive between steps
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static RequestBatcher<Work> batcher() {
        return new RequestBatcher<>(new BatchPolicy(8, Duration.ZERO, 1000, 64));
    }

    private static void offer(RequestBatcher<Work> b, String name, int steps, long kv) {
        assertTrue(b.offer(QueuedRequest.of(new Work(name, steps), 1, kv, 0)));
    }

    private static CountingSet runLongThenShort(boolean continuous) throws InterruptedException {
        RequestBatcher<Work> batcher = batcher();
        CountingSet set = new CountingSet();
        WorkerPool<Work> pool = new WorkerPool<>(batcher, new AdmissionPolicy(4, 1000, continuous), 1, i -> set);
        offer(batcher, "long", 200, 10);
        pool.start();
        while (batcher.size() > 0) {
            Thread.sleep(1);
        }
        offer(batcher, "short", 3, 10);
        pool.shutdown(30_000);
        return set;
    }

    @Test
    void continuousAdmissionLetsAShortRequestFinishFirst() throws InterruptedException {
        assertEquals(List.of("short", "long"), runLongThenShort(true).finished);
    }

    @Test
    void staticBatchingAdmitsOnlyOnceTheSetIsEmpty() throws InterruptedException {
        CountingSet set = runLongThenShort(false);
        assertEquals(List.of("long", "short"), set.finished);
        assertEquals(1, set.mostRunning);
    }

    @Test
    void theRunningSetStaysWithinItsCountAndKvBudgetAndShutdownDrainsEverything() {
        RequestBatcher<Work> batcher = batcher();
        CountingSet set = new CountingSet();
        WorkerPool<Work> pool = new WorkerPool<>(batcher, new AdmissionPolicy(3, 100, true), 1, i -> set);
        for (int i = 0; i < 20; i++) {
            offer(batcher, "r" + i, 1 + i % 5, 30);
        }
        pool.start();
        pool.shutdown(30_000);
        assertEquals(20, set.finished.size());
        assertEquals(3, set.mostRunning);
        assertTrue(set.mostKv <= 100, "KV tokens held at once: " + set.mostKv);
    }
}
