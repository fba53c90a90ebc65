package dev.vscan.scheduling;

/**
 * A request waiting for a place in a running batch.
 *
 * @param visualTokens  its cost against the prefill group's visual-token budget
 * @param kvTokens      the cache it will hold once running (prompt after reduction plus max_new_tokens),
 *                      its cost against the running batch's KV budget
 * @param priority      higher runs first; equal priorities keep arrival order
 * @param enqueuedNanos {@link System#nanoTime()} when it entered the queue
 */
public record QueuedRequest<T>(T work, int visualTokens, long kvTokens, int priority, long enqueuedNanos) {

    public static <T> QueuedRequest<T> of(T work, int visualTokens, long kvTokens, int priority) {
        return new QueuedRequest<>(work, visualTokens, kvTokens, priority, System.nanoTime());
    }
}
