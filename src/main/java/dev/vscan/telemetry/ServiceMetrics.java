package dev.vscan.telemetry;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The service's own meters. Timers and summaries publish histograms, so percentiles can be
 * aggregated across pods in Prometheus.
 */
@ApplicationScoped
public class ServiceMetrics {

    @Inject
    MeterRegistry registry;

    public void requestAnswered(String status) {
        Counter.builder("vscan.requests").description("Requests answered, by result status")
                .tag("status", status).register(registry).increment();
    }

    public void duplicateSkipped() {
        Counter.builder("vscan.requests.duplicates").description("Records skipped because their id was already seen")
                .register(registry).increment();
    }

    public void queueDepth(Supplier<Number> depth) {
        registry.gauge("vscan.queue.depth", java.util.List.of(), depth, s -> s.get().doubleValue());
    }

    public void queueWait(Duration wait) {
        timer("vscan.queue.wait", "Time from consumption to a worker taking the request").record(wait);
    }

    public void batch(int size) {
        DistributionSummary.builder("vscan.batch.size").description("Requests per batch")
                .publishPercentileHistogram().register(registry).record(size);
    }

    public void phase(String phase, double millis) {
        Timer.builder("vscan.phase.duration").description("Time of each engine phase per batch")
                .tag("phase", phase).publishPercentileHistogram().register(registry)
                .record(Duration.ofNanos((long) (millis * 1e6)));
    }

    public void reduction(String method, int visualIn, int visualKept, long flopsFull, long flopsReduced) {
        if (visualIn > 0) {
            DistributionSummary.builder("vscan.visual.tokens.kept.ratio")
                    .description("Visual tokens reaching the last decoder layer over those the vision tower produced")
                    .tag("reduction", method).publishPercentileHistogram().register(registry)
                    .record((double) visualKept / visualIn);
        }
        Counter.builder("vscan.flops.full").description("Analytic LLM prefill FLOPs without reduction")
                .register(registry).increment(flopsFull);
        Counter.builder("vscan.flops.saved").description("Analytic LLM prefill FLOPs saved by token reduction")
                .tag("reduction", method).register(registry).increment(Math.max(0, flopsFull - flopsReduced));
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).publishPercentileHistogram().register(registry);
    }
}
