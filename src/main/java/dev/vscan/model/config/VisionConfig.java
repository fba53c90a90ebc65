package dev.vscan.model.config;

import java.util.Objects;

/** The CLIP vision tower ({@code vision_config}, model_type clip_vision_model). */
public record VisionConfig(int hiddenSize, int intermediateSize, int numHiddenLayers, int numAttentionHeads,
                           int numChannels, int imageSize, int patchSize, double layerNormEps, String hiddenAct,
                           int projectionDim) {

    /** CLIPVisionConfig's defaults, used for keys a config leaves out. */
    public static final VisionConfig CLIP_DEFAULTS =
            new VisionConfig(768, 3072, 12, 12, 3, 224, 32, 1e-5, "quick_gelu", 512);

    public VisionConfig {
        Checks.positive("vision_config.hidden_size", hiddenSize);
        Checks.positive("vision_config.intermediate_size", intermediateSize);
        Checks.positive("vision_config.num_hidden_layers", numHiddenLayers);
        Checks.positive("vision_config.num_attention_heads", numAttentionHeads);
        Checks.positive("vision_config.num_channels", numChannels);
        Checks.positive("vision_config.image_size", imageSize);
        Checks.positive("vision_config.patch_size", patchSize);
        Checks.positive("vision_config.projection_dim", projectionDim);
        Checks.positive("vision_config.layer_norm_eps", layerNormEps);
        Objects.requireNonNull(hiddenAct, "vision_config.hidden_act");
        if (imageSize % patchSize != 0) {
            throw new IllegalArgumentException("vision_config.image_size " + imageSize
                    + " is not a multiple of patch_size " + patchSize);
        }
        if (hiddenSize % numAttentionHeads != 0) {
            throw new IllegalArgumentException("vision_config.hidden_size " + hiddenSize
                    + " is not divisible by num_attention_heads " + numAttentionHeads);
        }
    }

    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Patches per side. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Patches per image, without the class token. */
    public int numPatches() {
        return gridSize() * gridSize();
    }
}
