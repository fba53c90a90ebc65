package dev.vscan.core;

import dev.vscan.model.generation.GenerationRequest;

/**
 * A validated request ready for the model.
 *
 * @param deadlineEpochMs 0 for none; past it the request is answered {@code expired}: without compute
 *                       when still queued, stopped at the next decode step when running
 * @param receivedNanos  {@link System#nanoTime()} when the record was consumed
 * @param visualTokens   visual tokens after the planned stage 1, its cost in a prefill group
 * @param kvTokens       the cache it holds once running (prompt after stage 1 plus max_new_tokens)
 * @param receipt        the adapter's handle on the record, handed back with the answer
 * @param dequeued       called when a worker takes the job, to let the consumer fetch another record
 * @param answer         streaming and stop strings
 */
public record InferenceJob(String id, GenerationRequest request, String reduction, long deadlineEpochMs,
        int priority, long receivedNanos, int visualTokens, long kvTokens, Object receipt, Runnable dequeued,
        AnswerOptions answer) {

    /** A job that neither streams nor stops at a string. */
    public InferenceJob(String id, GenerationRequest request, String reduction, long deadlineEpochMs, int priority,
            long receivedNanos, int visualTokens, long kvTokens, Object receipt, Runnable dequeued) {
        this(id, request, reduction, deadlineEpochMs, priority, receivedNanos, visualTokens, kvTokens, receipt,
                dequeued, AnswerOptions.PLAIN);
    }

    public boolean expired(long nowEpochMs) {
        return deadlineEpochMs > 0 && nowEpochMs > deadlineEpochMs;
    }

    public InferenceJob withDequeued(Runnable onDequeued) {
        return new InferenceJob(id, request, reduction, deadlineEpochMs, priority, receivedNanos, visualTokens,
                kvTokens, receipt, onDequeued, answer);
    }
}
