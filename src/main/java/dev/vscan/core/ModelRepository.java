package dev.vscan.core;

import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.QwenPipeline;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.checkpoint.BuiltinModel;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.ModelImage;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Finds the model to serve and loads replicas of it. Without vscan.model.path the built-in model is
 * used: a small LLaVA trained on synthetic shapes (docs/MODEL_CARD.md), copied into the data directory
 * on first start. It answers questions about shapes, colours, counts, positions and corner digits only;
 * configure a real checkpoint for anything else.
 */
public final class ModelRepository {

    private static final Logger LOG = Logger.getLogger(ModelRepository.class);

    /**
     * Which model to serve and where.
     *
     * @param path        a Hugging Face checkpoint directory; empty for the built-in model
     * @param id          the name in results and telemetry; empty for the directory's name
     * @param dataDir     where the built-in model is installed
     * @param device      cpu, gpu or gpu:N
     * @param imageLimits what an image may take before it is decoded
     */
    public record Source(Optional<Path> path, Optional<String> id, Path dataDir, String device,
            ImageLimits imageLimits) {}

    private final Source source;

    public ModelRepository(Source source) {
        this.source = source;
    }

    public Path modelDirectory() {
        return source.path().orElseGet(this::builtin);
    }

    public String modelId() {
        return source.id().orElseGet(() -> modelDirectory().getFileName().toString());
    }

    public ImageLimits imageLimits() {
        return source.imageLimits();
    }

    private Path installed;

    private synchronized Path builtin() {
        if (installed != null) {
            return installed;
        }
        Path dir = source.dataDir().resolve("models").resolve("builtin-" + BuiltinModel.NAME);
        LOG.debugf("built-in model in %s", dir.toAbsolutePath());
        installed = BuiltinModel.install(dir);
        return installed;
    }

    private final Map<String, ServedModel> byDevice = new LinkedHashMap<>();

    /**
     * The model for worker {@code index}: loaded on the worker's device the first time (the family by
     * config.json's model_type), with one warm-up forward so the first request is not slow, and shared by
     * every worker on that device.
     */
    synchronized ServedModel modelFor(int index) {
        String device = source.device();
        if (device.equals("gpu")) {
            device = "gpu:" + index;
        }
        ServedModel shared = byDevice.get(device);
        if (shared != null) {
            return shared;
        }
        long t0 = System.nanoTime();
        EngineOptions options = EngineOptions.parse(device);
        ServedModel model = QwenConfigReader.MODEL_TYPE.equals(ConfigLoader.modelType(modelDirectory()))
                ? new QwenServedModel(QwenPipeline.load(modelDirectory(), options, imageLimits()))
                : new LlavaServedModel(LlavaPipeline.load(modelDirectory(), options, imageLimits()));
        try {
            model.warmUp();
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        byDevice.put(device, model);
        LOG.infof("model %s ready on %s in %.1f s", modelId(), device, (System.nanoTime() - t0) / 1e9);
        return model;
    }

    /** Frees every loaded model; call after the workers have stopped. */
    public synchronized void closeAll() {
        byDevice.values().forEach(ServedModel::close);
        byDevice.clear();
    }
}
