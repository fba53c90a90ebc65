package dev.vscan.service;

import dev.vscan.messaging.InferenceResult;
import dev.vscan.messaging.InferenceResult.Status;
import dev.vscan.messaging.ResultPublisher;
import dev.vscan.messaging.TelemetryEvent;
import dev.vscan.model.generation.FinishReason;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.RunningBatch.Admission;
import dev.vscan.model.generation.SequenceListener;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.scheduling.QueuedRequest;
import dev.vscan.scheduling.RunningSet;
import dev.vscan.telemetry.ServiceMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * One worker's running jobs on its engine: answers expired requests without compute, admits the rest,
 * stops a running job the step its deadline passes, and publishes each result and its telemetry the
 * moment its sequence finishes, acknowledging the request record only after both are stored.
 */
final class RunningJobs implements RunningSet<InferenceJob> {

    private static final Logger LOG = Logger.getLogger(RunningJobs.class);

    private final ServingEngine engine;
    private final String workerId;
    private final String modelId;
    private final ResultPublisher publisher;
    private final ServiceMetrics metrics;
    private final Map<InferenceJob, Runnable> running = new LinkedHashMap<>();

    RunningJobs(ServingEngine engine, String workerId, String modelId, ResultPublisher publisher,
            ServiceMetrics metrics) {
        this.engine = engine;
        this.workerId = workerId;
        this.modelId = modelId;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Override
    public int size() {
        return engine.size();
    }

    @Override
    public long kvTokens() {
        return engine.kvTokens();
    }

    @Override
    public void admit(List<QueuedRequest<InferenceJob>> batch) {
        long admittedNanos = System.nanoTime();
        long now = System.currentTimeMillis();
        List<JobListener> live = new ArrayList<>();
        for (QueuedRequest<InferenceJob> q : batch) {
            InferenceJob job = q.work();
            job.dequeued().run();
            metrics.queueWait(Duration.ofNanos(admittedNanos - job.receivedNanos()));
            if (job.expired(now)) {
                answer(job, InferenceResult.failure(job.id(), Status.expired, "deadline_exceeded",
                        "the deadline " + job.deadlineEpochMs() + " passed before a worker took the request", modelId));
            } else {
                live.add(new JobListener(job, admittedNanos));
            }
        }
        if (live.isEmpty()) {
            return;
        }
        List<Runnable> cancels;
        try {
            cancels = engine.admit(live.stream().map(l -> new Admission(l.job.request(), l)).toList());
        } catch (RuntimeException e) {
            LOG.errorf(e, "engine failed to admit %d requests", live.size());
            for (JobListener l : live) {
                answer(l.job, InferenceResult.failure(l.job.id(), Status.error, "engine_failure",
                        "inference failed: " + e.getMessage(), modelId));
            }
            return;
        }
        metrics.batch(live.size());
        for (int i = 0; i < live.size(); i++) {
            if (!live.get(i).done) {
                running.put(live.get(i).job, cancels.get(i));
            }
        }
    }

    @Override
    public void step() {
        long now = System.currentTimeMillis();
        for (Map.Entry<InferenceJob, Runnable> e : List.copyOf(running.entrySet())) {
            if (e.getKey().expired(now)) {
                e.getValue().run();
            }
        }
        engine.step();
    }

    /** Follows one job's sequence and answers it when it ends. */
    private final class JobListener implements SequenceListener {
        private final InferenceJob job;
        private final long admittedNanos;
        private long firstTokenNanos;
        private boolean done;

        JobListener(InferenceJob job, long admittedNanos) {
            this.job = job;
            this.admittedNanos = admittedNanos;
        }

        @Override
        public void onToken(long token) {
            if (firstTokenNanos == 0) {
                firstTokenNanos = System.nanoTime();
            }
        }

        @Override
        public void onFinished(GenerationOutput out) {
            done = true;
            running.remove(job);
            if (out.finishReason() == FinishReason.CANCELLED) {
                answer(job, InferenceResult.failure(job.id(), Status.expired, "deadline_exceeded",
                        "the deadline " + job.deadlineEpochMs() + " passed after " + out.tokens().length
                                + " generated tokens; the request was stopped", modelId));
                return;
            }
            publishOk(out);
        }

        @Override
        public void onFailed(RuntimeException failure) {
            done = true;
            running.remove(job);
            answer(job, InferenceResult.failure(job.id(), Status.error, "engine_failure",
                    "inference failed: " + failure.getMessage(), modelId));
        }

        private void publishOk(GenerationOutput out) {
            long end = System.nanoTime();
            double queueMs = (admittedNanos - job.receivedNanos()) / 1e6;
            double totalMs = (end - job.receivedNanos()) / 1e6;
            // With no token generated (the echo engine) the answer is ready when the prompt is.
            double firstTokenMs = ((firstTokenNanos == 0 ? end : firstTokenNanos) - job.receivedNanos()) / 1e6;
            double perTokenMs = out.millisPerOutputToken();
            EfficiencyReport report = engine.report(job.request(), out);
            InferenceResult result = new InferenceResult(job.id(), Status.ok, engine.decode(out.tokens()), null,
                    new InferenceResult.TokenCounts(out.promptTokens(), out.textTokens(),
                            out.visualTokensAfterStage1(), out.tokens().length),
                    new InferenceResult.Timings(queueMs, out.timings().visionMillis(), out.timings().prefillMillis(),
                            out.timings().decodeMillis(), totalMs, firstTokenMs, perTokenMs),
                    modelId);
            TelemetryEvent telemetry = new TelemetryEvent(job.id(), modelId, workerId, job.reduction(), out.batchSize(),
                    queueMs, firstTokenMs, perTokenMs, out.decodeBatch(), report.toJson(), System.currentTimeMillis());
            metrics.reduction(job.reduction(), out.visualTokensInTotal(), out.visualTokensAfterStage2(),
                    report.flopsFull(), report.flopsReduced());
            metrics.timeToFirstToken(Duration.ofNanos((long) (firstTokenMs * 1e6)));
            if (out.tokens().length > 1) {
                metrics.timePerOutputToken(Duration.ofNanos((long) (perTokenMs * 1e6)));
                metrics.decodeBatch(out.decodeBatch());
            }
            metrics.phase("vision", out.timings().visionMillis());
            metrics.phase("reduction", out.timings().reductionMillis());
            metrics.phase("prefill", out.timings().prefillMillis());
            metrics.phase("decode", out.timings().decodeMillis());
            publishAndAck(job, publisher.result(result).thenCombine(publisher.telemetry(telemetry), (a, b) -> null),
                    Status.ok);
        }
    }

    private void answer(InferenceJob job, InferenceResult result) {
        publishAndAck(job, publisher.result(result), result.status());
    }

    private void publishAndAck(InferenceJob job, CompletionStage<Void> published, Status status) {
        published.thenCompose(done -> job.ack().get()).whenComplete((done, failure) -> {
            if (failure != null) {
                // Not acknowledged: the record is consumed again after a restart (at-least-once).
                LOG.errorf(failure, "could not publish the answer to %s", job.id());
            } else {
                metrics.requestAnswered(status.name());
            }
        });
    }
}
