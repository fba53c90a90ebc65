package dev.vscan.core;

import java.time.Duration;
import java.util.function.Supplier;

/** What the core reports as it serves; the telemetry package exports it, tests may ignore it. */
public interface ServingMetrics {

    /** Reports nothing. */
    ServingMetrics NONE = new ServingMetrics() {};

    default void duplicateSkipped() {}

    default void requestAnswered(String status) {}

    default void queueWait(Duration wait) {}

    default void batch(int size) {}

    default void reduction(String method, int visualTokensIn, int visualTokensKept, long flopsFull,
            long flopsReduced) {}

    default void timeToFirstToken(Duration ttft) {}

    default void timePerOutputToken(Duration tpot) {}

    default void decodeBatch(double meanBatch) {}

    default void phase(String phase, double millis) {}

    default void queueDepth(Supplier<Number> depth) {}

    default void runningSet(Supplier<Number> sequences, Supplier<Number> kvTokens) {}
}
