package dev.vscan.scheduling;

import java.time.Duration;

/**
 * How batches are formed: at most {@code maxBatchSize} requests and {@code maxVisualTokens} visual
 * tokens, waiting at most {@code maxDelay} after the first request for more to arrive.
 */
public record BatchPolicy(int maxBatchSize, Duration maxDelay, int maxVisualTokens, int queueCapacity) {

    public BatchPolicy {
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("max batch size must be at least 1, got " + maxBatchSize);
        }
        if (maxDelay.isNegative()) {
            throw new IllegalArgumentException("max batch delay must not be negative, got " + maxDelay);
        }
        if (maxVisualTokens < 1) {
            throw new IllegalArgumentException("max visual tokens per batch must be at least 1, got " + maxVisualTokens);
        }
        if (queueCapacity < maxBatchSize) {
            throw new IllegalArgumentException("queue capacity " + queueCapacity
                    + " must be at least the max batch size " + maxBatchSize);
        }
    }
}
