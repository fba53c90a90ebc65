package dev.vscan.core;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs admission off the adapter's thread (image URLs may take seconds to fetch) and routes the outcome:
 * an admitted job to the workers' queue, a duplicate to be settled, a refusal to the sink as a dead letter
 * and an error result.
 */
public final class RequestIntake implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RequestIntake.class.getName());

    private final RequestAdmission admission;
    private final InferenceService inference;
    private final AnswerSink sink;
    private final ServingMetrics metrics;
    private final String modelId;
    private final ExecutorService executor;

    /** @param threads admissions running at once; each may wait on an image URL */
    public RequestIntake(RequestAdmission admission, InferenceService inference, AnswerSink sink,
            ServingMetrics metrics, String modelId, int threads) {
        this.admission = admission;
        this.inference = inference;
        this.sink = sink;
        this.metrics = metrics;
        this.modelId = modelId;
        this.executor = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vscan-intake");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Takes one record; {@code release} frees its place in the adapter's demand when it leaves the queue.
     * After {@link #close()} a record is left unanswered, for the next consumer to read.
     */
    public void accept(IncomingRequest in, Runnable release) {
        try {
            executor.execute(() -> route(in, release));
        } catch (RejectedExecutionException closed) {
            release.run();
        }
    }

    /** Admits and routes on the caller's thread. */
    public void route(IncomingRequest in, Runnable release) {
        RequestAdmission.Outcome outcome = admission.admit(in);
        if (outcome instanceof RequestAdmission.Admitted admitted) {
            if (!inference.submit(admitted.job().withDequeued(release))) {
                // Shutting down (or an adapter that sent more than the queue holds): no answer, so that the
                // record is read again by whoever consumes it next.
                LOG.warning(() -> "left " + admitted.job().id() + " unanswered: the queue is closed or full");
                admission.forget(admitted.job().id());
                release.run();
            }
            return;
        }
        release.run();
        if (outcome instanceof RequestAdmission.Duplicate duplicate) {
            metrics.duplicateSkipped();
            sink.deliver(Answer.settleOnly(in.receipt()));
        } else if (outcome instanceof RequestAdmission.Refused refused) {
            sink.deliver(Refusals.answer(in, refused, modelId, System.currentTimeMillis()))
                    .whenComplete((done, failure) -> {
                        if (failure == null) {
                            metrics.requestAnswered(refused.status().name());
                        } else {
                            LOG.log(Level.SEVERE, "could not deliver the refusal of " + refused.id(), failure);
                        }
                    });
        }
    }

    /**
     * An answer the adapter could not settle (its partition moved to another worker): the id may come
     * back and must then be answered, not skipped as a duplicate.
     */
    public void answerDropped(String id) {
        admission.forget(id);
    }

    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
