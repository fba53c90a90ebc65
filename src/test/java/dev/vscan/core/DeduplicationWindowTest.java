package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which repeats of a request id are skipped: within the window and the count bound only. */
class DeduplicationWindowTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aRepeatWithinTheWindowIsSkippedAndOneAfterItIsNot() {
        DeduplicationWindow w = new DeduplicationWindow(Duration.ofSeconds(10), 100);
        assertTrue(w.firstSeen("a", 0));
        assertFalse(w.firstSeen("a", 5 * SECOND));
        assertTrue(w.firstSeen("a", 11 * SECOND), "the window has passed");
    }

    @Test
    void theOldestIdsGoFirstWhenTheCountIsReached() {
        DeduplicationWindow w = new DeduplicationWindow(Duration.ofHours(1), 2);
        assertTrue(w.firstSeen("a", 0));
        assertTrue(w.firstSeen("b", 1));
        assertTrue(w.firstSeen("c", 2));
        assertTrue(w.firstSeen("d", 3));
        assertFalse(w.firstSeen("d", 4));
        assertTrue(w.firstSeen("a", 5), "a was evicted to keep the bound");
    }

    @Test
    void aForgottenIdIsNewAgain() {
        DeduplicationWindow w = new DeduplicationWindow(Duration.ofHours(1), 10);
        assertTrue(w.firstSeen("a", 0));
        w.forget("a");
        assertTrue(w.firstSeen("a", 1));
    }
}
