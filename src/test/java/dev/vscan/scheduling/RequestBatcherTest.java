package dev.vscan.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The queue between the consumers and the workers' running sets. */
class RequestBatcherTest {

    private static RequestBatcher<String> batcher(int maxBatch, Duration delay) {
        return new RequestBatcher<>(new BatchPolicy(maxBatch, delay, 1000, 8));
    }

    private static QueuedRequest<String> request(String name, int visual, long kv, int priority) {
        return QueuedRequest.of(name, visual, kv, priority);
    }

    private static List<String> names(List<QueuedRequest<String>> batch) {
        return batch.stream().map(QueuedRequest::work).toList();
    }

    @Test
    void higherPriorityFirstThenArrivalOrder() throws InterruptedException {
        RequestBatcher<String> b = batcher(8, Duration.ZERO);
        b.offer(request("a", 1, 1, 0));
        b.offer(request("b", 1, 1, 5));
        b.offer(request("c", 1, 1, 0));
        assertEquals(List.of("b", "a", "c"), names(b.nextBatch()));
    }

    @Test
    void aDecodingWorkerTakesOnlyWhatFitsItsKvBudgetAndStopsAtTheFirstThatDoesNot() {
        RequestBatcher<String> b = batcher(8, Duration.ZERO);
        b.offer(request("a", 1, 300, 0));
        b.offer(request("big", 1, 900, 0));
        b.offer(request("c", 1, 100, 0));
        assertEquals(List.of("a"), names(b.poll(8, 1000)), "big does not fit next to a; c must not overtake it");
        assertEquals(List.of(), names(b.poll(8, 800)));
        assertEquals(List.of("big", "c"), names(b.poll(8, 1000)));
    }

    @Test
    void aPollIsBoundedByTheFreePlacesAndNeverWaits() {
        RequestBatcher<String> b = batcher(8, Duration.ofSeconds(5));
        for (int i = 0; i < 4; i++) {
            b.offer(request("r" + i, 1, 1, 0));
        }
        long start = System.nanoTime();
        assertEquals(List.of("r0", "r1"), names(b.poll(2, 1000)));
        assertEquals(List.of(), names(b.poll(0, 1000)));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos());
        assertEquals(2, b.size());
    }

    @Test
    void anIdleWorkerTakesARequestLargerThanTheWholeBudgetAlone() throws InterruptedException {
        RequestBatcher<String> b = batcher(8, Duration.ZERO);
        b.offer(request("huge", 1, 5000, 0));
        b.offer(request("small", 1, 10, 0));
        assertEquals(List.of("huge"), names(b.nextBatch(8, 1000)));
        assertEquals(List.of("small"), names(b.nextBatch(8, 1000)));
    }

    @Test
    void anIdleWorkerWaitsUpToTheDelayForCompany() throws InterruptedException {
        RequestBatcher<String> b = batcher(2, Duration.ofSeconds(5));
        b.offer(request("first", 1, 1, 0));
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            b.offer(request("second", 1, 1, 0));
        });
        late.start();
        assertEquals(List.of("first", "second"), names(b.nextBatch(8, 1000)), "full at two, before the delay ends");
        late.join();
    }

    @Test
    void aClosedQueueRefusesNewRequestsAndHandsOutWhatItHolds() throws InterruptedException {
        RequestBatcher<String> b = batcher(8, Duration.ofSeconds(5));
        b.offer(request("kept", 1, 1, 0));
        b.close();
        assertFalse(b.offer(request("late", 1, 1, 0)));
        assertEquals(List.of("kept"), names(b.nextBatch(8, 1000)));
        assertEquals(List.of(), names(b.nextBatch(8, 1000)));
    }
}
