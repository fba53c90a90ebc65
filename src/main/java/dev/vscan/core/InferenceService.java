package dev.vscan.core;

import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.generation.KvBudget;
import dev.vscan.scheduling.AdmissionPolicy;
import dev.vscan.scheduling.BatchPolicy;
import dev.vscan.scheduling.QueuedRequest;
import dev.vscan.scheduling.RequestBatcher;
import dev.vscan.scheduling.WorkerPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The model side of the service: the queue between consumer and workers, and the workers, each
 * driving its own running batch (continuous batching) on the model of its device. Models load in the
 * background, so the service is up (not ready) at once and records already consumed wait in the queue.
 */
public final class InferenceService {

    private static final Logger LOG = Logger.getLogger(InferenceService.class);

    /**
     * How the workers run.
     *
     * @param batch         the queue and the prefill groups
     * @param workers       workers, each with its own running batch
     * @param echo          answer without running the model (the service's own cost)
     * @param maxRunning    sequences a worker decodes at once; empty for the device's default
     * @param kvTokenBudget KV cache tokens a worker may hold; empty for what the device's memory holds
     * @param continuous    admit between decode steps; false waits for the running set to empty
     */
    public record Settings(BatchPolicy batch, int workers, boolean echo, Optional<Integer> maxRunning,
            Optional<Long> kvTokenBudget, boolean continuous) {

        public Settings {
            if (workers < 1) {
                throw new IllegalArgumentException("workers must be at least 1, got " + workers);
            }
        }
    }

    private final Settings settings;
    private final ModelRepository models;
    private final AnswerSink sink;
    private final StreamSink stream;
    private final ServingMetrics metrics;
    private final RequestBatcher<InferenceJob> batcher;
    private final List<ServingEngine> engines = new ArrayList<>();
    private volatile WorkerPool<InferenceJob> pool;
    private volatile boolean ready;
    private volatile Throwable loadFailure;

    public InferenceService(Settings settings, ModelRepository models, AnswerSink sink, ServingMetrics metrics) {
        this(settings, models, sink, StreamSink.NONE, metrics);
    }

    /** @param stream where streamed answers' text goes while it is generated */
    public InferenceService(Settings settings, ModelRepository models, AnswerSink sink, StreamSink stream,
            ServingMetrics metrics) {
        this.settings = settings;
        this.models = models;
        this.sink = sink;
        this.stream = stream;
        this.metrics = metrics;
        this.batcher = new RequestBatcher<>(settings.batch());
        metrics.queueDepth(batcher::size);
    }

    /** Loads the models in the background and starts the workers once they are ready. */
    public void start() {
        Thread loader = new Thread(this::loadAndStart, "vscan-model-loader");
        loader.setDaemon(true);
        loader.start();
    }

    private void loadAndStart() {
        try {
            int workers = settings.workers();
            LlavaConfig echoModel = settings.echo() ? ConfigLoader.loadModel(models.modelDirectory()) : null;
            for (int i = 0; i < workers; i++) {
                engines.add(settings.echo() ? new EchoEngine(echoModel) : new PipelineEngine(models.modelFor(i)));
            }
            KvBudget budget = settings.echo() ? new KvBudget(settings.batch().maxBatchSize(), Long.MAX_VALUE)
                    : deviceBudget(workers);
            AdmissionPolicy admission = new AdmissionPolicy(settings.maxRunning().orElse(budget.maxRunning()),
                    settings.kvTokenBudget().orElse(budget.kvTokens()), settings.continuous());
            LOG.infof("%d worker(s), up to %d running sequences and %d KV tokens each, %s batching", workers,
                    admission.maxRunning(), admission.kvTokenBudget(), admission.continuous() ? "continuous" : "static");
            metrics.runningSet(() -> engines.stream().mapToInt(ServingEngine::size).sum(),
                    () -> engines.stream().mapToLong(ServingEngine::kvTokens).sum());
            WorkerPool<InferenceJob> started = new WorkerPool<>(batcher, admission, workers,
                    i -> new RunningJobs(engines.get(i), "worker-" + i, models.modelId(), sink, stream, metrics));
            started.start();
            pool = started;
            ready = true;
        } catch (RuntimeException e) {
            loadFailure = e;
            LOG.error("the model could not be loaded; the service stays unready", e);
        }
    }

    /** What one worker's running set may hold: CPU workers share the machine's RAM, GPU workers own a device. */
    private KvBudget deviceBudget(int workers) {
        ServedModel m = models.modelFor(0);
        int sharing = m.options().device().isGpu() ? 1 : workers;
        return KvBudget.defaults(m.text(), m.options().dtype(), m.options().device(), m.weightBytes(), sharing);
    }

    /**
     * Queues a job; false when the queue is closed or full. An adapter hands the core at most
     * {@link #queueCapacity()} records that workers have not taken yet, so full does not happen.
     */
    public boolean submit(InferenceJob job) {
        return batcher.offer(new QueuedRequest<>(job, job.visualTokens(), job.kvTokens(), job.priority(),
                job.receivedNanos()));
    }

    public boolean isReady() {
        return ready;
    }

    public Throwable loadFailure() {
        return loadFailure;
    }

    public int queueDepth() {
        return batcher.size();
    }

    /** Jobs the queue holds at most; an adapter keeps no more records than this in flight to it. */
    public int queueCapacity() {
        return settings.batch().queueCapacity();
    }

    public boolean queueFull() {
        return batcher.isFull();
    }

    /** Stops taking jobs, lets the workers finish what is queued and running for up to {@code drainMillis}, frees the models. */
    public void shutdown(long drainMillis) {
        ready = false;
        WorkerPool<InferenceJob> p = pool;
        if (p != null) {
            p.shutdown(drainMillis);
        } else {
            batcher.close();
        }
        // Whatever still runs after the wait is cancelled, then the shared models are freed.
        engines.forEach(ServingEngine::close);
        models.closeAll();
    }
}
