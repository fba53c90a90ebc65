package dev.vscan.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.vscan.model.clip.ClipVisionTower;
import dev.vscan.model.config.ConfigLoader;
import dev.vscan.model.config.LlavaConfig;
import dev.vscan.model.llama.LlamaModel;
import dev.vscan.model.weights.CanonicalWeights;
import java.nio.file.Path;

/**
 * A loaded LLaVA model: CLIP vision tower, projector and Llama decoder, with their weights in one
 * long-lived manager. Thread-safe for concurrent forwards as long as callers use their own managers.
 */
public final class LlavaModel implements AutoCloseable {

    private final LlavaConfig config;
    private final EngineOptions options;
    private final NDManager manager;
    private final ClipVisionTower vision;
    private final MultiModalProjector projector;
    private final LlamaModel language;
    private final long weightBytes;

    private LlavaModel(LlavaConfig config, EngineOptions options, NDManager manager, ClipVisionTower vision,
            MultiModalProjector projector, LlamaModel language) {
        this.config = config;
        this.options = options;
        this.manager = manager;
        this.vision = vision;
        this.projector = projector;
        this.language = language;
        long bytes = 0;
        for (NDArray a : manager.getManagedArrays()) {
            bytes += a.size() * a.getDataType().getNumOfBytes();
        }
        this.weightBytes = bytes;
    }

    /** Bytes the weights take on the device. */
    public long weightBytes() {
        return weightBytes;
    }

    /** Loads config.json and the safetensors weights of a Hugging Face LLaVA directory. */
    public static LlavaModel load(Path dir, EngineOptions options) {
        LlavaConfig config = ConfigLoader.loadModel(dir);
        NDManager manager = NDManager.newBaseManager(options.device(), "PyTorch");
        try (CanonicalWeights weights = CanonicalWeights.open(dir)) {
            return build(config, new CheckpointParameters(weights, manager, options.dtype()), manager, options);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    /** Builds a model from any parameter source; the model takes ownership of {@code manager}. */
    public static LlavaModel build(LlavaConfig config, ParameterSource parameters, NDManager manager,
            EngineOptions options) {
        boolean keepCls = "full".equals(config.visionFeatureSelectStrategy());
        ClipVisionTower vision = ClipVisionTower.load(parameters, config.vision(), config.visionLayersToRun(), keepCls);
        MultiModalProjector projector = MultiModalProjector.load(parameters, config.vision().hiddenSize(),
                config.text().hiddenSize(), config.projectorHiddenAct(), config.multimodalProjectorBias());
        boolean tied = config.tieWordEmbeddings() || config.text().tieWordEmbeddings();
        LlamaModel language = LlamaModel.load(parameters, config.text(), tied);
        return new LlavaModel(config, options, manager, vision, projector, language);
    }

    public LlavaConfig config() {
        return config;
    }

    public EngineOptions options() {
        return options;
    }

    public NDManager manager() {
        return manager;
    }

    public ClipVisionTower vision() {
        return vision;
    }

    public MultiModalProjector projector() {
        return projector;
    }

    public LlamaModel language() {
        return language;
    }

    @Override
    public void close() {
        manager.close();
    }
}
