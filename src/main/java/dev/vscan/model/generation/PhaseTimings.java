package dev.vscan.model.generation;

/**
 * Wall-clock time of each phase of the batch a request ran in, in nanoseconds. Vision, reduction and
 * prefill run for the whole batch at once, so requests of one batch share these figures.
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
