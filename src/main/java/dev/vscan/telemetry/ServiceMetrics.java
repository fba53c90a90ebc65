package dev.vscan.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import dev.vscan.core.ServingMetrics;
import dev.vscan.wire.InferenceResult;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The service's own meters. Timers and summaries publish histograms, so percentiles can be
 * aggregated across pods in Prometheus.
 */
@ApplicationScoped
public class ServiceMetrics implements ServingMetrics {

    /** Buckets for ratios in [0, 1]; the default histogram buckets start at 1. */
    private static final double[] RATIO_BUCKETS = {0.05, 0.1, 0.15, 0.2, 0.25, 0.33, 0.5, 0.75, 1.0};

    @Inject
    MeterRegistry registry;

    public ServiceMetrics() {}

    /** Meters in a registry of the caller's (outside CDI: tools, tests). */
    public ServiceMetrics(MeterRegistry registry) {
        this.registry = registry;
        registerEagerly();
    }

    /** Every series the dashboard queries exists from the start, at zero, not after its first event. */
    @PostConstruct
    void registerEagerly() {
        for (InferenceResult.Status status : InferenceResult.Status.values()) {
            requests(status.name());
        }
        duplicates();
        flopsFull();
        firstTokenTimer();
        perTokenTimer();
        decodeBatchSummary();
    }

    private Counter requests(String status) {
        return Counter.builder("vscan.requests").description("Requests answered, by result status")
                .tag("status", status).register(registry);
    }

    private Counter duplicates() {
        return Counter.builder("vscan.requests.duplicates")
                .description("Records skipped because their id was already seen").register(registry);
    }

    private Counter flopsFull() {
        return Counter.builder("vscan.flops.full").description("Analytic LLM prefill FLOPs without reduction")
                .register(registry);
    }

    @Override
    public void requestAnswered(String status) {
        requests(status).increment();
    }

    @Override
    public void duplicateSkipped() {
        duplicates().increment();
    }

    @Override
    public void queueDepth(Supplier<Number> depth) {
        registry.gauge("vscan.queue.depth", java.util.List.of(), depth, s -> s.get().doubleValue());
    }

    @Override
    public void queueWait(Duration wait) {
        timer("vscan.queue.wait", "Time from consumption to a worker taking the request").record(wait);
    }

    /** Requests prefilled together when they joined a running batch. */
    @Override
    public void batch(int size) {
        DistributionSummary.builder("vscan.batch.size").description("Requests admitted (prefilled) together")
                .publishPercentileHistogram().register(registry).record(size);
    }

    /** Sequences decoding and the KV cache they hold, summed over the workers. */
    @Override
    public void runningSet(Supplier<Number> sequences, Supplier<Number> kvTokens) {
        registry.gauge("vscan.running.sequences", java.util.List.of(), sequences, s -> s.get().doubleValue());
        registry.gauge("vscan.running.kv.tokens", java.util.List.of(), kvTokens, s -> s.get().doubleValue());
    }

    /** From consumption to the first generated token. */
    @Override
    public void timeToFirstToken(Duration time) {
        firstTokenTimer().record(time);
    }

    /** Mean time per generated token after the first, one sample per request. */
    @Override
    public void timePerOutputToken(Duration time) {
        perTokenTimer().record(time);
    }

    /** Mean number of sequences in the decode steps a request took part in. */
    @Override
    public void decodeBatch(double meanSize) {
        decodeBatchSummary().record(meanSize);
    }

    private Timer firstTokenTimer() {
        return timer("vscan.time.to.first.token", "Time from consumption to the first generated token");
    }

    private Timer perTokenTimer() {
        return timer("vscan.time.per.output.token", "Mean time per generated token after the first");
    }

    private DistributionSummary decodeBatchSummary() {
        return DistributionSummary.builder("vscan.decode.batch.size")
                .description("Mean sequences per decode step over a request's decode")
                .publishPercentileHistogram().register(registry);
    }

    @Override
    public void phase(String phase, double millis) {
        Timer.builder("vscan.phase.duration").description("Time of each engine phase per request (vision and prefill shared with its admission group)")
                .tag("phase", phase).publishPercentileHistogram().register(registry)
                .record(Duration.ofNanos((long) (millis * 1e6)));
    }

    @Override
    public void reduction(String method, int visualIn, int visualKept, long flopsFull, long flopsReduced) {
        if (visualIn > 0) {
            DistributionSummary.builder("vscan.visual.tokens.kept.ratio")
                    .description("Visual tokens reaching the last decoder layer over those the vision tower produced")
                    .tag("reduction", method).serviceLevelObjectives(RATIO_BUCKETS).register(registry)
                    .record((double) visualKept / visualIn);
        }
        flopsFull().increment(flopsFull);
        Counter.builder("vscan.flops.saved").description("Analytic LLM prefill FLOPs saved by token reduction")
                .tag("reduction", method).register(registry).increment(Math.max(0, flopsFull - flopsReduced));
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram().register(registry);
    }
}
