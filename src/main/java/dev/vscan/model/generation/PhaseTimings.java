package dev.vscan.model.generation;

/**
 * Wall-clock time of each phase of a request, in nanoseconds. Vision, reduction and prefill run for
 * the whole group of requests admitted together, so they share these figures; decode is the
 * request's own time from its first token to its last.
 */
public record PhaseTimings(long visionNanos, long reductionNanos, long prefillNanos, long decodeNanos) {

    public double visionMillis() {
        return visionNanos / 1e6;
    }

    public double reductionMillis() {
        return reductionNanos / 1e6;
    }

    public double prefillMillis() {
        return prefillNanos / 1e6;
    }

    public double decodeMillis() {
        return decodeNanos / 1e6;
    }
}
