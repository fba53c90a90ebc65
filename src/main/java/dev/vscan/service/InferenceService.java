package dev.vscan.service;

import dev.vscan.messaging.ResultPublisher;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.generation.KvBudget;
import dev.vscan.scheduling.AdmissionPolicy;
import dev.vscan.scheduling.BatchPolicy;
import dev.vscan.scheduling.QueuedRequest;
import dev.vscan.scheduling.RequestBatcher;
import dev.vscan.scheduling.WorkerPool;
import dev.vscan.telemetry.ServiceMetrics;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The model side of the service: the queue between consumer and workers, and the workers, each
 * driving its own running batch (continuous batching) on the model of its device. Models load in the
 * background, so the service is up (not ready) at once and records already consumed wait in the queue.
 */
@ApplicationScoped
public class InferenceService {

    private static final Logger LOG = Logger.getLogger(InferenceService.class);

    @Inject
    ServiceConfig config;

    @Inject
    ModelRepository models;

    @Inject
    ResultPublisher publisher;

    @Inject
    ServiceMetrics metrics;

    private RequestBatcher<InferenceJob> batcher;
    private WorkerPool<InferenceJob> pool;
    private final List<ServingEngine> engines = new ArrayList<>();
    private volatile boolean ready;
    private volatile Throwable loadFailure;

    void start(@Observes @Priority(20) StartupEvent event) {
        if (!config.role().runsModel()) {
            return;
        }
        ServiceConfig.Batch b = config.batch();
        batcher = new RequestBatcher<>(new BatchPolicy(b.maxSize(), b.maxDelay(), b.maxVisualTokens(), b.queueCapacity()));
        metrics.queueDepth(batcher::size);
        Thread loader = new Thread(this::loadAndStart, "vscan-model-loader");
        loader.setDaemon(true);
        loader.start();
    }

    private void loadAndStart() {
        try {
            int workers = config.model().workers();
            boolean echo = config.model().engine() == ServiceConfig.Engine.echo;
            LlavaConfig echoModel = echo ? ConfigLoader.loadModel(models.modelDirectory()) : null;
            for (int i = 0; i < workers; i++) {
                engines.add(echo ? new EchoEngine(echoModel) : new PipelineEngine(models.modelFor(i)));
            }
            KvBudget budget = echo ? new KvBudget(config.batch().maxSize(), Long.MAX_VALUE) : deviceBudget(workers);
            AdmissionPolicy admission = new AdmissionPolicy(config.batch().maxRunning().orElse(budget.maxRunning()),
                    config.batch().kvTokenBudget().orElse(budget.kvTokens()), config.batch().continuous());
            LOG.infof("%d worker(s), up to %d running sequences and %d KV tokens each, %s batching", workers,
                    admission.maxRunning(), admission.kvTokenBudget(), admission.continuous() ? "continuous" : "static");
            metrics.runningSet(() -> engines.stream().mapToInt(ServingEngine::size).sum(),
                    () -> engines.stream().mapToLong(ServingEngine::kvTokens).sum());
            pool = new WorkerPool<>(batcher, admission, workers,
                    i -> new RunningJobs(engines.get(i), "worker-" + i, models.modelId(), publisher, metrics));
            pool.start();
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

    /** Queues a job; false only when the queue is closed or full (the consumer's demand prevents that). */
    public boolean submit(InferenceJob job) {
        return batcher != null && batcher.offer(new QueuedRequest<>(job, job.visualTokens(), job.kvTokens(),
                job.priority(), job.receivedNanos()));
    }

    public boolean isReady() {
        return ready;
    }

    public Throwable loadFailure() {
        return loadFailure;
    }

    public int queueDepth() {
        return batcher == null ? 0 : batcher.size();
    }

    public boolean queueFull() {
        return batcher != null && batcher.isFull();
    }

    void stop(@Observes ShutdownEvent event) {
        ready = false;
        if (pool != null) {
            // Finish what is queued and running; their answers still go out before Kafka closes.
            pool.shutdown(config.batch().maxDelay().toMillis() + 60_000);
        } else if (batcher != null) {
            batcher.close();
        }
        // Whatever still runs after the wait is cancelled, then the shared models are freed.
        engines.forEach(ServingEngine::close);
        models.closeAll();
    }
}
