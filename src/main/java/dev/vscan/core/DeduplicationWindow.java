package dev.vscan.core;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Request ids seen recently, so that a record delivered twice (a producer retry, a rebalance) is
 * answered once. Bounded by age and by count; in memory, so a restarted worker may answer a request
 * again that it answered just before it stopped without committing the offset (at-least-once).
 */
public final class DeduplicationWindow {

    private final long windowNanos;
    private final int maxEntries;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();

    public DeduplicationWindow(Duration window, int maxEntries) {
        this.windowNanos = window.toNanos();
        this.maxEntries = maxEntries;
    }

    /** True the first time an id is seen within the window; false for a repeat. */
    public synchronized boolean firstSeen(String id, long nowNanos) {
        evict(nowNanos);
        if (seen.containsKey(id)) {
            return false;
        }
        seen.put(id, nowNanos);
        return true;
    }

    /** Forgets an id, e.g. when its processing failed before an answer went out. */
    public synchronized void forget(String id) {
        seen.remove(id);
    }

    private void evict(long nowNanos) {
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> oldest = it.next();
            if (seen.size() > maxEntries || nowNanos - oldest.getValue() > windowNanos) {
                it.remove();
            } else {
                break;
            }
        }
    }
}
