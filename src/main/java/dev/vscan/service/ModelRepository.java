package dev.vscan.service;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.checkpoint.BuiltinModel;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.PixelValues;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.List;
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

    /** Loads replica {@code index} on its device and runs one forward so the first request is not slow. */
    public LlavaPipeline loadReplica(int index) {
        String device = config.model().device();
        if (device.equals("gpu")) {
            device = "gpu:" + index;
        }
        long t0 = System.nanoTime();
        LlavaPipeline pipeline = LlavaPipeline.load(modelDirectory(), EngineOptions.parse(device), imageLimits());
        warmUp(pipeline);
        LOG.infof("model %s replica %d ready on %s in %.1f s", modelId(), index, device, (System.nanoTime() - t0) / 1e9);
        return pipeline;
    }

    private static void warmUp(LlavaPipeline pipeline) {
        var vision = pipeline.model().config().vision();
        int size = vision.imageSize();
        PixelValues blank = new PixelValues(vision.numChannels(), size, size,
                new float[vision.numChannels() * size * size]);
        pipeline.generator().generate(List.of(pipeline.requestForPixels("warm up", List.of(blank),
                SamplingParams.greedy(1), VisualTokenReducer.NONE, SequencePruner.NONE)));
    }
}
