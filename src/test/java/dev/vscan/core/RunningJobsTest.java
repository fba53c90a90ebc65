package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.TelemetryEvent;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.TestModels;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.RunningBatch.Admission;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.scheduling.AdmissionPolicy;
import dev.vscan.scheduling.BatchPolicy;
import dev.vscan.scheduling.QueuedRequest;
import dev.vscan.scheduling.RequestBatcher;
import dev.vscan.scheduling.WorkerPool;
import dev.vscan.telemetry.ServiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A worker's running jobs on the tiny checkpoint, without a broker: what each request is answered,
 * in which order, and that shutdown drains what runs.
 */
class RunningJobsTest {

    private static LlavaPipeline pipeline;

    @BeforeAll
    static void load() {
        pipeline = LlavaPipeline.load(TestModels.tinyCheckpoint(), EngineOptions.cpu(), ImageLimits.defaults());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    /** Keeps what would go to the result and telemetry topics, in the order it was delivered. */
    private static final class CapturingSink implements AnswerSink {
        final List<InferenceResult> results = Collections.synchronizedList(new ArrayList<>());
        final Map<String, TelemetryEvent> telemetry = new ConcurrentHashMap<>();
        final AtomicInteger settled = new AtomicInteger();

        @Override
        public CompletionStage<Void> deliver(Answer answer) {
            results.add(answer.result());
            if (answer.telemetry() != null) {
                telemetry.put(answer.telemetry().id(), answer.telemetry());
            }
            settled.incrementAndGet();
            return CompletableFuture.completedFuture(null);
        }

        InferenceResult of(String id) {
            synchronized (results) {
                return results.stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow();
            }
        }

        List<String> order() {
            synchronized (results) {
                return results.stream().map(InferenceResult::id).toList();
            }
        }
    }

    private final CapturingSink publisher = new CapturingSink();

    private InferenceJob job(String id, int maxNewTokens, long deadlineEpochMs) {
        GenerationRequest request = pipeline.request("describe the image .", List.of(TestModels.png(id.hashCode(), 112, 112)),
                SamplingParams.greedy(maxNewTokens), VisualTokenReducer.NONE, SequencePruner.NONE);
        long kv = request.promptIds().length - 1 + 64 + maxNewTokens;
        return new InferenceJob(id, request, "none", deadlineEpochMs, 0, System.nanoTime(), 64, kv, id, () -> { });
    }

    private RunningJobs runningJobs() {
        return new RunningJobs(new PipelineEngine(new LlavaServedModel(pipeline)), "worker-0", "tiny", publisher,
                new ServiceMetrics(new SimpleMeterRegistry()));
    }

    private static QueuedRequest<InferenceJob> queued(InferenceJob job) {
        return new QueuedRequest<>(job, job.visualTokens(), job.kvTokens(), job.priority(), job.receivedNanos());
    }

    @Test
    void aRequestWhoseDeadlinePassesWhileItRunsIsStoppedAndAnsweredExpired() throws InterruptedException {
        RunningJobs jobs = runningJobs();
        InferenceJob slow = job("slow", 4000, System.currentTimeMillis() + 400);
        jobs.admit(List.of(queued(slow)));
        assertEquals(1, jobs.size());
        long start = System.nanoTime();
        while (jobs.size() > 0 && System.nanoTime() - start < Duration.ofSeconds(30).toNanos()) {
            jobs.step();
        }
        InferenceResult result = publisher.of("slow");
        assertEquals(InferenceResult.Status.expired, result.status(), result.toString());
        assertEquals("deadline_exceeded", result.error().code());
        assertTrue(result.error().message().contains("generated tokens; the request was stopped"),
                result.error().message());
        assertEquals(0, jobs.kvTokens(), "the stopped request's cache is freed");
        assertEquals(1, publisher.settled.get());
    }

    @Test
    void aFinishedRequestIsPublishedWithItsTokenTimes() {
        RunningJobs jobs = runningJobs();
        jobs.admit(List.of(queued(job("a", 6, 0))));
        while (jobs.size() > 0) {
            jobs.step();
        }
        InferenceResult result = publisher.of("a");
        assertEquals(InferenceResult.Status.ok, result.status(), result.toString());
        assertEquals(6, result.tokens().generated());
        assertTrue(result.timings().firstTokenMs() > 0 && result.timings().perTokenMs() > 0, result.toString());
        TelemetryEvent event = publisher.telemetry.get("a");
        assertEquals(result.timings().firstTokenMs(), event.timeToFirstTokenMs());
        assertEquals(1.0, event.decodeBatch());
    }

    @Test
    void withContinuousBatchingAShortRequestOvertakesALongOneAndShutdownDrainsTheRest() {
        assertEquals(List.of("short", "long"), answerOrder(true));
    }

    @Test
    void withStaticBatchingTheShortRequestWaitsForTheLongOne() {
        assertEquals(List.of("long", "short"), answerOrder(false));
    }

    /** A long request starts alone; a short one is queued while it decodes; then the pool shuts down. */
    private List<String> answerOrder(boolean continuous) {
        RequestBatcher<InferenceJob> batcher = new RequestBatcher<>(new BatchPolicy(4, Duration.ZERO, 8192, 16));
        WorkerPool<InferenceJob> pool = new WorkerPool<>(batcher, new AdmissionPolicy(4, 100_000, continuous), 1,
                i -> runningJobs());
        assertTrue(batcher.offer(queued(job("long", 120, 0))));
        pool.start();
        long start = System.nanoTime();
        while (batcher.size() > 0 && System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
            Thread.onSpinWait();
        }
        assertTrue(batcher.offer(queued(job("short", 2, 0))));
        pool.shutdown(60_000);
        assertEquals(2, publisher.settled.get(), "both answered before shutdown returned");
        assertEquals(InferenceResult.Status.ok, publisher.of("long").status());
        assertEquals(120, publisher.of("long").tokens().generated());
        return publisher.order();
    }

    /** Fails any group that holds the poisoned request, as a forward that throws on one input would. */
    private static final class PoisonedEngine implements ServingEngine {
        private final ServingEngine healthy;
        private final GenerationRequest poison;
        final List<Integer> groupSizes = new ArrayList<>();

        PoisonedEngine(ServingEngine healthy, GenerationRequest poison) {
            this.healthy = healthy;
            this.poison = poison;
        }

        @Override
        public List<Runnable> admit(List<Admission> admissions) {
            groupSizes.add(admissions.size());
            if (admissions.stream().anyMatch(a -> a.request() == poison)) {
                throw new IllegalStateException("shape mismatch in the vision tower");
            }
            return healthy.admit(admissions);
        }

        @Override
        public void step() {
            healthy.step();
        }

        @Override
        public int size() {
            return healthy.size();
        }

        @Override
        public long kvTokens() {
            return healthy.kvTokens();
        }

        @Override
        public String decode(long[] tokens) {
            return healthy.decode(tokens);
        }

        @Override
        public EfficiencyReport report(GenerationRequest request, GenerationOutput output) {
            return healthy.report(request, output);
        }

        @Override
        public void close() {
            healthy.close();
        }
    }

    @Test
    void aRequestThatBreaksTheEngineFailsAloneAndTheRestOfItsGroupIsAnswered() {
        InferenceJob a = job("a", 3, 0);
        InferenceJob poison = job("poison", 3, 0);
        InferenceJob b = job("b", 3, 0);
        PoisonedEngine engine = new PoisonedEngine(new PipelineEngine(new LlavaServedModel(pipeline)), poison.request());
        RunningJobs jobs = new RunningJobs(engine, "worker-0", "tiny", publisher, ServingMetrics.NONE);
        jobs.admit(List.of(queued(a), queued(poison), queued(b)));
        while (jobs.size() > 0) {
            jobs.step();
        }
        assertEquals(InferenceResult.Status.ok, publisher.of("a").status(), publisher.of("a").toString());
        assertEquals(InferenceResult.Status.ok, publisher.of("b").status(), publisher.of("b").toString());
        InferenceResult failed = publisher.of("poison");
        assertEquals(InferenceResult.Status.error, failed.status());
        assertEquals("engine_failure", failed.error().code());
        assertTrue(failed.error().message().contains("shape mismatch"), failed.error().message());
        assertEquals(List.of(3, 1, 1, 1), engine.groupSizes, "the group, then each of its jobs alone");
        assertEquals(3, publisher.settled.get(), "each answered once");
    }
}
