package dev.vscan.service;

import dev.vscan.messaging.ResultPublisher;
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
 * The model side of the service: the queue between consumer and workers, and the workers with
 * their replicas. Replicas load in the background, so the service is up (not ready) at once and
 * records already consumed simply wait in the queue.
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
    private final List<BatchEngine> replicas = new ArrayList<>();
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
            for (int i = 0; i < workers; i++) {
                replicas.add(config.model().engine() == ServiceConfig.Engine.echo
                        ? new EchoEngine(dev.vscan.model.config.ConfigLoader.loadModel(models.modelDirectory()))
                        : new PipelineEngine(models.loadReplica(i)));
            }
            pool = new WorkerPool<>(batcher, workers,
                    i -> new BatchRunner(replicas.get(i), "worker-" + i, models.modelId(), publisher, metrics));
            pool.start();
            ready = true;
        } catch (RuntimeException e) {
            loadFailure = e;
            LOG.error("the model could not be loaded; the service stays unready", e);
        }
    }

    /** Queues a job; false only when the queue is closed or full (the consumer's demand prevents that). */
    public boolean submit(InferenceJob job) {
        return batcher != null && batcher.offer(new QueuedRequest<>(job, job.visualTokens(), job.priority(),
                job.receivedNanos()));
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
            // Finish what is queued and in flight; their answers still go out before Kafka closes.
            pool.shutdown(config.batch().maxDelay().toMillis() + 60_000);
        } else if (batcher != null) {
            batcher.close();
        }
        replicas.forEach(BatchEngine::close);
    }
}
