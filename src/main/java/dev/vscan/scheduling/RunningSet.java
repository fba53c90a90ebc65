package dev.vscan.scheduling;

import java.util.List;

/**
 * What a worker schedules per iteration: the sequences it is decoding. One instance per worker,
 * driven by that worker's thread only. It must answer every request it was given (finished,
 * expired or failed) itself; the pool only decides when to admit and when to step.
 */
public interface RunningSet<T> {

    /** Requests running now. */
    int size();

    /** The KV cache the running requests hold, in tokens. */
    long kvTokens();

    /** Starts the requests (their prefill); some may finish at once. */
    void admit(List<QueuedRequest<T>> requests);

    /** One decode step over everything running; requests that finish leave the set. */
    void step();
}
