package dev.vscan.scheduling;

/**
 * A request waiting for a batch.
 *
 * @param visualTokens its cost against the batch's visual-token budget
 * @param priority     higher runs first; equal priorities keep arrival order
 * @param enqueuedNanos {@link System#nanoTime()} when it entered the queue
 */
public record QueuedRequest<T>(T work, int visualTokens, int priority, long enqueuedNanos) {

    public static <T> QueuedRequest<T> of(T work, int visualTokens, int priority) {
        return new QueuedRequest<>(work, visualTokens, priority, System.nanoTime());
    }
}
