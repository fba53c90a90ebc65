package dev.vscan.service;

import dev.vscan.model.generation.GenerationRequest;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A validated request ready for the model.
 *
 * @param ack            acknowledges the source record once the answer is out (at-least-once)
 * @param deadlineEpochMs 0 for none; past it the request is answered {@code expired}: without compute
 *                       when still queued, stopped at the next decode step when running
 * @param receivedNanos  {@link System#nanoTime()} when the record was consumed
 * @param visualTokens   visual tokens after the planned stage 1, its cost in a prefill group
 * @param kvTokens       the cache it holds once running (prompt after stage 1 plus max_new_tokens)
 * @param dequeued       called when a worker takes the job, to let the consumer fetch another record
 */
public record InferenceJob(String id, GenerationRequest request, String reduction, long deadlineEpochMs,
        int priority, long receivedNanos, int visualTokens, long kvTokens, Supplier<CompletionStage<Void>> ack,
        Runnable dequeued) {

    public boolean expired(long nowEpochMs) {
        return deadlineEpochMs > 0 && nowEpochMs > deadlineEpochMs;
    }
}
