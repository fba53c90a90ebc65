package dev.vscan.core;

import dev.vscan.model.generation.FinishReason;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.RunningBatch.Admission;
import dev.vscan.model.generation.SequenceListener;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.scheduling.QueuedRequest;
import dev.vscan.scheduling.RunningSet;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.InferenceResult.Status;
import dev.vscan.wire.StreamChunk;
import dev.vscan.wire.TelemetryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * One worker's running jobs on its engine: answers expired requests without compute, admits the rest,
 * stops a running job the step its deadline passes, and hands each result and its telemetry to the sink
 * the moment its sequence finishes. A job that streams has its text sent to the stream sink as it is
 * generated; a job with stop strings is stopped the step one appears. When the engine fails on a group (a
 * prefill or a decode step), every job of the group is tried again alone, so that a request that breaks the
 * engine fails by itself; a streamed job then starts a new attempt.
 */
final class RunningJobs implements RunningSet<InferenceJob> {

    private static final Logger LOG = Logger.getLogger(RunningJobs.class);

    private final ServingEngine engine;
    private final String workerId;
    private final String modelId;
    private final AnswerSink sink;
    private final StreamSink stream;
    private final ServingMetrics metrics;
    private final Map<InferenceJob, Runnable> running = new LinkedHashMap<>();
    /** Jobs whose text reached a stop string in the last step, to stop before the next. */
    private final List<InferenceJob> reachedStop = new ArrayList<>();
    /** Jobs whose group failed, waiting to run alone; and those already run alone once. */
    private final List<JobListener> retryAlone = new ArrayList<>();
    private final Set<InferenceJob> ranAlone = new HashSet<>();

    RunningJobs(ServingEngine engine, String workerId, String modelId, AnswerSink sink, ServingMetrics metrics) {
        this(engine, workerId, modelId, sink, StreamSink.NONE, metrics);
    }

    RunningJobs(ServingEngine engine, String workerId, String modelId, AnswerSink sink, StreamSink stream,
            ServingMetrics metrics) {
        this.engine = engine;
        this.workerId = workerId;
        this.modelId = modelId;
        this.sink = sink;
        this.stream = stream;
        this.metrics = metrics;
    }

    @Override
    public int size() {
        return engine.size() + retryAlone.size();
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
        start(live);
    }

    /** Starts a group on the engine; if the engine throws, its jobs go back to run one by one. */
    private void start(List<JobListener> live) {
        if (live.isEmpty()) {
            return;
        }
        List<Runnable> cancels;
        try {
            cancels = engine.admit(live.stream().map(l -> new Admission(l.job.request(), l)).toList());
        } catch (RuntimeException e) {
            LOG.errorf(e, "engine failed to admit %d request(s)", live.size());
            live.forEach(l -> failed(l, e, live.size()));
            return;
        }
        metrics.batch(live.size());
        for (int i = 0; i < live.size(); i++) {
            if (!live.get(i).done) {
                running.put(live.get(i).job, cancels.get(i));
            }
        }
    }

    /** A job whose group failed gets one more try alone; a job that failed alone is answered error. */
    private void failed(JobListener l, RuntimeException failure, int groupSize) {
        l.done = true;
        running.remove(l.job);
        if (ranAlone.remove(l.job) || groupSize <= 1) {
            l.endStream(StreamChunk.ERROR);
            answer(l.job, InferenceResult.failure(l.job.id(), Status.error, "engine_failure",
                    "inference failed: " + failure.getMessage(), modelId));
        } else {
            retryAlone.add(new JobListener(l.job, l.admittedNanos));
        }
    }

    /** One job of a failed group, run by itself; what is left waits for the next step. */
    private void retryOneAlone() {
        if (retryAlone.isEmpty()) {
            return;
        }
        JobListener l = retryAlone.remove(0);
        ranAlone.add(l.job);
        start(List.of(l));
    }

    @Override
    public void step() {
        retryOneAlone();
        // Cancelled here, not from the token callback: the engine is still iterating its batch there.
        for (InferenceJob job : reachedStop) {
            Runnable cancel = running.get(job);
            if (cancel != null) {
                cancel.run();
            }
        }
        reachedStop.clear();
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
        /** Null when the job neither streams nor has stop strings: its text is decoded once at the end. */
        private final AnswerText text;
        private final JobStream jobStream;
        private long firstTokenNanos;
        private boolean done;

        JobListener(InferenceJob job, long admittedNanos) {
            this.job = job;
            this.admittedNanos = admittedNanos;
            this.text = job.answer().followsText() ? new AnswerText(engine::decode, job.answer().stop()) : null;
            this.jobStream = job.answer().stream() ? new JobStream(job.id(), stream) : null;
        }

        @Override
        public void onToken(long token) {
            if (firstTokenNanos == 0) {
                firstTokenNanos = System.nanoTime();
            }
            if (text == null || text.stopped()) {
                return;
            }
            String delta = text.add(token);
            if (jobStream != null) {
                jobStream.delta(delta);
            }
            if (text.stopped()) {
                reachedStop.add(job);
            }
        }

        void endStream(String finishReason) {
            if (jobStream != null) {
                jobStream.end("", finishReason);
            }
        }

        @Override
        public void onFinished(GenerationOutput out) {
            done = true;
            running.remove(job);
            boolean atStop = text != null && text.stopped();
            if (out.finishReason() == FinishReason.CANCELLED && !atStop) {
                endStream(StreamChunk.EXPIRED);
                answer(job, InferenceResult.failure(job.id(), Status.expired, "deadline_exceeded",
                        "the deadline " + job.deadlineEpochMs() + " passed after " + out.tokens().length
                                + " generated tokens; the request was stopped", modelId));
                return;
            }
            publishOk(out, atStop || out.finishReason() == FinishReason.EOS
                    ? InferenceResult.FinishReason.stop : InferenceResult.FinishReason.length);
        }

        @Override
        public void onFailed(RuntimeException failure) {
            // the engine fails every sequence of a step; it still counts them while it does
            failed(this, failure, engine.size());
        }

        /** The answer's text, cut at a stop string; a streamed job's last chunk carries what was not sent yet. */
        private String answerText(GenerationOutput out, InferenceResult.FinishReason finish) {
            if (text == null) {
                return engine.decode(out.tokens());
            }
            String answer = text.answer(out.tokens());
            if (jobStream != null) {
                if (!text.consistentWith(answer)) {
                    LOG.warnf("the streamed text of %s is not the start of its answer; the result has the answer",
                            job.id());
                }
                jobStream.end(text.rest(answer), finish.name());
            }
            return answer;
        }

        private void publishOk(GenerationOutput out, InferenceResult.FinishReason finish) {
            long end = System.nanoTime();
            double queueMs = (admittedNanos - job.receivedNanos()) / 1e6;
            double totalMs = (end - job.receivedNanos()) / 1e6;
            // With no token generated (the echo engine) the answer is ready when the prompt is.
            double firstTokenMs = ((firstTokenNanos == 0 ? end : firstTokenNanos) - job.receivedNanos()) / 1e6;
            double perTokenMs = out.millisPerOutputToken();
            EfficiencyReport report = engine.report(job.request(), out);
            InferenceResult result = new InferenceResult(job.id(), Status.ok, answerText(out, finish), null,
                    new InferenceResult.TokenCounts(out.promptTokens(), out.textTokens(),
                            out.visualTokensAfterStage1(), out.tokens().length, out.visualTokensInTotal(),
                            out.visualTokensAfterStage2()),
                    new InferenceResult.Timings(queueMs, out.timings().visionMillis(), out.timings().prefillMillis(),
                            out.timings().decodeMillis(), totalMs, firstTokenMs, perTokenMs),
                    modelId, finish);
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
            ranAlone.remove(job);
            deliver(job, new Answer(job.receipt(), result, telemetry, null), Status.ok);
        }
    }

    private void answer(InferenceJob job, InferenceResult result) {
        ranAlone.remove(job);
        deliver(job, Answer.of(job.receipt(), result), result.status());
    }

    private void deliver(InferenceJob job, Answer answer, Status status) {
        sink.deliver(answer).whenComplete((done, failure) -> {
            if (failure != null) {
                // Not settled: the record is consumed again after a restart.
                LOG.errorf(failure, "could not deliver the answer to %s", job.id());
            } else {
                metrics.requestAnswered(status.name());
            }
        });
    }
}
