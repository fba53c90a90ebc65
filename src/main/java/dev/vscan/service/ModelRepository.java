package dev.vscan.service;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.checkpoint.BuiltinModel;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.ModelImage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Finds the model to serve and loads replicas of it. Without vscan.model.path the built-in model is
 * used: a small LLaVA trained on synthetic shapes (docs/MODEL_CARD.md), copied into the data directory
 * on first start. It answers questions about shapes, colours, counts, positions and corner digits only;
 * configure a real checkpoint for anything else.
 */
@ApplicationScoped
public class ModelRepository {

    private static final Logger LOG = Logger.getLogger(ModelRepository.class);

    @Inject
    ServiceConfig config;

    public Path modelDirectory() {
        return config.model().path().orElseGet(this::builtin);
    }

    public String modelId() {
        return config.model().id().orElseGet(() -> modelDirectory().getFileName().toString());
    }

    public ImageLimits imageLimits() {
        return new ImageLimits(config.limits().maxImageBytes(), config.limits().maxImagePixels());
    }

    private Path installed;

    private synchronized Path builtin() {
        if (installed != null) {
            return installed;
        }
        Path dir = config.dataDir().resolve("models").resolve("builtin-" + BuiltinModel.NAME);
        LOG.debugf("built-in model in %s", dir.toAbsolutePath());
        installed = BuiltinModel.install(dir);
        return installed;
    }

    private final Map<String, LlavaPipeline> byDevice = new LinkedHashMap<>();

    /**
     * The model for worker {@code index}: loaded on the worker's device the first time, with one warm-up
     * forward so the first request is not slow, and shared by every worker on that device.
     */
    public synchronized LlavaPipeline pipelineFor(int index) {
        String device = config.model().device();
        if (device.equals("gpu")) {
            device = "gpu:" + index;
        }
        LlavaPipeline shared = byDevice.get(device);
        if (shared != null) {
            return shared;
        }
        long t0 = System.nanoTime();
        LlavaPipeline pipeline = LlavaPipeline.load(modelDirectory(), EngineOptions.parse(device), imageLimits());
        warmUp(pipeline);
        byDevice.put(device, pipeline);
        LOG.infof("model %s ready on %s in %.1f s", modelId(), device, (System.nanoTime() - t0) / 1e9);
        return pipeline;
    }

    /** Frees every loaded model; call after the workers have stopped. */
    public synchronized void closeAll() {
        byDevice.values().forEach(LlavaPipeline::close);
        byDevice.clear();
    }

    private static void warmUp(LlavaPipeline pipeline) {
        int size = pipeline.model().config().vision().imageSize();
        ModelImage blank = pipeline.images().prepare(new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB));
        pipeline.generator().generate(List.of(pipeline.requestForPixels("warm up", List.of(blank),
                SamplingParams.greedy(1), VisualTokenReducer.NONE, SequencePruner.NONE)));
    }
}
