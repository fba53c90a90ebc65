package dev.vscan.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.wire.InferenceResult;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ResultCacheTest {

    private final AtomicLong now = new AtomicLong();

    private static InferenceResult ok(String id, String answer) {
        return new InferenceResult(id, InferenceResult.Status.ok, answer, null, null, null, "m");
    }

    @Test
    void aWaiterIsCompletedWhenItsResultArrives() {
        ResultCache cache = new ResultCache(10, Duration.ofHours(1), now::get);
        CompletableFuture<InferenceResult> waiter = cache.await("a");
        assertFalse(waiter.isDone());
        assertEquals(1, cache.waiting());

        cache.put(ok("b", "other"));
        assertFalse(waiter.isDone());

        InferenceResult a = ok("a", "yes");
        cache.put(a);
        assertSame(a, waiter.join());
        assertEquals(0, cache.waiting());
    }

    @Test
    void aKnownResultCompletesAtOnce() {
        ResultCache cache = new ResultCache(10, Duration.ofHours(1), now::get);
        cache.put(ok("a", "yes"));
        assertEquals("yes", cache.await("a").join().answer());
        assertEquals(0, cache.waiting());
    }

    @Test
    void aCancelledWaiterIsForgotten() {
        ResultCache cache = new ResultCache(10, Duration.ofHours(1), now::get);
        CompletableFuture<InferenceResult> first = cache.await("a");
        CompletableFuture<InferenceResult> second = cache.await("a");
        cache.cancel("a", first);
        assertEquals(1, cache.waiting());
        cache.put(ok("a", "yes"));
        assertFalse(first.isDone());
        assertEquals("yes", second.join().answer());
    }

    @Test
    void theLeastRecentlyReadResultGoesFirstWhenFull() {
        ResultCache cache = new ResultCache(2, Duration.ofHours(1), now::get);
        cache.put(ok("a", "1"));
        cache.put(ok("b", "2"));
        cache.get("a"); // a is now more recent than b
        cache.put(ok("c", "3"));
        assertEquals(2, cache.size());
        assertTrue(cache.get("a").isPresent());
        assertTrue(cache.get("b").isEmpty());
        assertTrue(cache.get("c").isPresent());
    }

    @Test
    void resultsExpireAfterTheRetention() {
        ResultCache cache = new ResultCache(10, Duration.ofSeconds(60), now::get);
        cache.put(ok("a", "1"));
        now.set(Duration.ofSeconds(30).toNanos());
        cache.put(ok("b", "2"));
        now.set(Duration.ofSeconds(61).toNanos());
        assertTrue(cache.get("a").isEmpty(), "stored at 0 s, read at 61 s with a 60 s retention");
        assertTrue(cache.get("b").isPresent(), "stored at 30 s");
        assertEquals(1, cache.size());
    }

    @Test
    void aLaterResultForTheSameIdReplacesTheEarlier() {
        ResultCache cache = new ResultCache(10, Duration.ofHours(1), now::get);
        cache.put(ok("a", "first"));
        cache.put(ok("a", "second"));
        assertEquals(1, cache.size());
        assertEquals("second", cache.get("a").orElseThrow().answer());
    }

    @Test
    void refusesSettingsThatKeepNothing() {
        assertThrows(IllegalArgumentException.class, () -> new ResultCache(0, Duration.ofHours(1)));
        assertThrows(IllegalArgumentException.class, () -> new ResultCache(10, Duration.ZERO));
    }
}
