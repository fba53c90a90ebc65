package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.StreamChunk;
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
        return job(id, id.hashCode(), maxNewTokens, deadlineEpochMs, AnswerOptions.PLAIN,
                SamplingParams.greedy(maxNewTokens));
    }

    private InferenceJob job(String id, long imageSeed, int maxNewTokens, long deadlineEpochMs, AnswerOptions answer,
            SamplingParams sampling) {
        GenerationRequest request = pipeline.request("describe the image .", List.of(TestModels.png(imageSeed, 112, 112)),
                sampling, VisualTokenReducer.NONE, SequencePruner.NONE);
        long kv = request.promptIds().length - 1 + 64 + maxNewTokens;
        return new InferenceJob(id, request, "none", deadlineEpochMs, 0, System.nanoTime(), 64, kv, id, () -> { },
                answer);
    }

    /** Keeps what would go to the stream topic. */
    private final List<StreamChunk> chunks = Collections.synchronizedList(new ArrayList<>());

    private RunningJobs runningJobs() {
        return new RunningJobs(new PipelineEngine(new LlavaServedModel(pipeline)), "worker-0", "tiny", publisher,
                chunks::add, new ServiceMetrics(new SimpleMeterRegistry()));
    }

    private void runToEnd(RunningJobs jobs, InferenceJob... admitted) {
        jobs.admit(java.util.Arrays.stream(admitted).map(RunningJobsTest::queued).toList());
        while (jobs.size() > 0) {
            jobs.step();
        }
    }

    private List<StreamChunk> chunksOf(String id) {
        synchronized (chunks) {
            return chunks.stream().filter(c -> c.id().equals(id)).toList();
        }
    }

    @Test
    void aStreamedAnswerIsSentAsItIsGeneratedAndItsDeltasMakeTheResult() {
        // Sampled, so that the random tiny model writes varied tokens, byte pieces among them.
        SamplingParams sampled = new SamplingParams(40, 1.0, 1.0, 7);
        runToEnd(runningJobs(), job("s", 11, 40, 0, new AnswerOptions(true, List.of()), sampled),
                job("plain", 11, 40, 0, AnswerOptions.PLAIN, sampled));
        InferenceResult result = publisher.of("s");
        List<StreamChunk> stream = chunksOf("s");
        assertTrue(stream.size() > 2, "several chunks, not one at the end: " + stream);
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < stream.size(); i++) {
            StreamChunk c = stream.get(i);
            assertEquals(i, c.seq());
            assertEquals(stream.get(0).attempt(), c.attempt());
            assertEquals(i == stream.size() - 1, c.last(), "only the last chunk has a finish reason");
            joined.append(c.delta());
        }
        assertEquals(result.answer(), joined.toString());
        assertEquals(result.finishReason().name(), stream.get(stream.size() - 1).finishReason());
        assertEquals(List.of(), chunksOf("plain"), "a request that does not ask for streaming streams nothing");
        assertEquals(publisher.of("plain").answer(), result.answer(), "streaming does not change the answer");
    }

    @Test
    void aStopStringEndsTheAnswerBeforeItWithFinishReasonStop() {
        RunningJobs jobs = runningJobs();
        runToEnd(jobs, job("free", 12, 24, 0, AnswerOptions.PLAIN, SamplingParams.greedy(24)));
        InferenceResult free = publisher.of("free");
        assertEquals(free.tokens().generated() == 24 ? InferenceResult.FinishReason.length
                : InferenceResult.FinishReason.stop, free.finishReason(), free.toString());
        // A stop string from the middle of the greedy answer: the same request stops right there.
        String answer = free.answer();
        int cut = answer.length() / 2;
        String stop = answer.substring(cut, Math.min(answer.length(), cut + 3));
        assertTrue(!stop.isBlank(), "the tiny model's answer has text to cut: '" + answer + "'");
        runToEnd(jobs, job("stopped", 12, 24, 0, new AnswerOptions(true, List.of(stop)), SamplingParams.greedy(24)));
        InferenceResult stopped = publisher.of("stopped");
        assertEquals(InferenceResult.FinishReason.stop, stopped.finishReason(), stopped.toString());
        assertEquals(answer.substring(0, answer.indexOf(stop)), stopped.answer());
        assertTrue(stopped.tokens().generated() < free.tokens().generated(), "generation stopped early: "
                + stopped.tokens().generated() + " of " + free.tokens().generated());
        String streamed = chunksOf("stopped").stream().map(StreamChunk::delta).reduce("", String::concat);
        assertEquals(stopped.answer(), streamed);
        assertEquals("stop", chunksOf("stopped").get(chunksOf("stopped").size() - 1).finishReason());
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
