package dev.vscan.service;

import dev.vscan.messaging.InferenceResult;
import dev.vscan.messaging.InferenceResult.Status;
import dev.vscan.messaging.ResultPublisher;
import dev.vscan.messaging.TelemetryEvent;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.scheduling.BatchHandler;
import dev.vscan.scheduling.QueuedRequest;
import dev.vscan.telemetry.ServiceMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import org.jboss.logging.Logger;

/**
 * One worker's handling of a batch on its own model replica: answer expired requests without
 * compute, run the rest as one engine batch, publish each result and its telemetry, and acknowledge
 * the request record only after both are stored.
 */
final class BatchRunner implements BatchHandler<InferenceJob> {

    private static final Logger LOG = Logger.getLogger(BatchRunner.class);

    private final BatchEngine engine;
    private final String workerId;
    private final String modelId;
    private final ResultPublisher publisher;
    private final ServiceMetrics metrics;

    BatchRunner(BatchEngine engine, String workerId, String modelId, ResultPublisher publisher,
            ServiceMetrics metrics) {
        this.engine = engine;
        this.workerId = workerId;
        this.modelId = modelId;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @Override
    public void handle(List<QueuedRequest<InferenceJob>> batch) {
        long startNanos = System.nanoTime();
        long now = System.currentTimeMillis();
        List<InferenceJob> live = new ArrayList<>();
        for (QueuedRequest<InferenceJob> q : batch) {
            InferenceJob job = q.work();
            job.dequeued().run();
            metrics.queueWait(Duration.ofNanos(startNanos - job.receivedNanos()));
            if (job.expired(now)) {
                answer(job, InferenceResult.failure(job.id(), Status.expired, "deadline_exceeded",
                        "the deadline " + job.deadlineEpochMs() + " passed before a worker took the request", modelId));
            } else {
                live.add(job);
            }
        }
        if (live.isEmpty()) {
            return;
        }
        List<GenerationRequest> requests = live.stream().map(InferenceJob::request).toList();
        List<BatchEngine.Answer> answers;
        try {
            answers = engine.run(requests);
        } catch (RuntimeException e) {
            LOG.errorf(e, "engine failed on a batch of %d", live.size());
            for (InferenceJob job : live) {
                answer(job, InferenceResult.failure(job.id(), Status.error, "engine_failure",
                        "inference failed: " + e.getMessage(), modelId));
            }
            return;
        }
        metrics.batch(live.size());
        LlavaConfig config = engine.config();
        for (int i = 0; i < live.size(); i++) {
            InferenceJob job = live.get(i);
            GenerationOutput out = answers.get(i).output();
            double queueMs = (startNanos - job.receivedNanos()) / 1e6;
            double totalMs = (System.nanoTime() - job.receivedNanos()) / 1e6;
            EfficiencyReport report = EfficiencyReport.of(out, config.text(), config.vision(), engine.visionLayersRun());
            InferenceResult result = new InferenceResult(job.id(), Status.ok, answers.get(i).text(),
                    null, new InferenceResult.TokenCounts(out.promptTokens(), out.textTokens(),
                            out.visualTokensAfterStage1(), out.tokens().length),
                    new InferenceResult.Timings(queueMs, out.timings().visionMillis(), out.timings().prefillMillis(),
                            out.timings().decodeMillis(), totalMs),
                    modelId);
            TelemetryEvent telemetry = new TelemetryEvent(job.id(), modelId, workerId, job.reduction(), live.size(),
                    queueMs, report.toJson(), System.currentTimeMillis());
            metrics.reduction(job.reduction(), out.visualTokensInTotal(), out.visualTokensAfterStage2(),
                    report.flopsFull(), report.flopsReduced());
            publishAndAck(job, publisher.result(result).thenCombine(publisher.telemetry(telemetry), (a, b) -> null),
                    Status.ok);
        }
        GenerationOutput first = answers.get(0).output();
        metrics.phase("vision", first.timings().visionMillis());
        metrics.phase("reduction", first.timings().reductionMillis());
        metrics.phase("prefill", first.timings().prefillMillis());
        metrics.phase("decode", first.timings().decodeMillis());
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
