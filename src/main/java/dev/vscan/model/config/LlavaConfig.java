package dev.vscan.model.config;

import java.util.Objects;
import java.util.Set;

/**
 * A LLaVA model: CLIP vision tower, two-layer projector, Llama decoder. {@code tieWordEmbeddings} is
 * true when either the top level or {@code text_config} asks for it, as Hugging Face resolves it.
 */
public record LlavaConfig(VisionConfig vision, TextConfig text, int imageTokenIndex, String projectorHiddenAct,
                          int visionFeatureLayer, String visionFeatureSelectStrategy, boolean multimodalProjectorBias,
                          boolean tieWordEmbeddings, int padTokenId) {

    private static final Set<String> STRATEGIES = Set.of("default", "full");

    public LlavaConfig {
        Objects.requireNonNull(vision, "vision_config");
        Objects.requireNonNull(text, "text_config");
        Objects.requireNonNull(projectorHiddenAct, "projector_hidden_act");
        if (!STRATEGIES.contains(visionFeatureSelectStrategy)) {
            throw new IllegalArgumentException("vision_feature_select_strategy '" + visionFeatureSelectStrategy
                    + "' is not supported; supported: default, full");
        }
        int layers = vision.numHiddenLayers();
        if (visionFeatureLayer > layers || visionFeatureLayer < -(layers + 1)) {
            throw new IllegalArgumentException("vision_feature_layer " + visionFeatureLayer + " is outside the "
                    + layers + "-layer vision tower (allowed " + -(layers + 1) + ".." + layers + ")");
        }
        if (imageTokenIndex < 0) {
            throw new IllegalArgumentException("image_token_index must not be negative, got " + imageTokenIndex);
        }
        tieWordEmbeddings = tieWordEmbeddings || text.tieWordEmbeddings();
    }

    /**
     * How many encoder layers must run to produce the selected hidden state: hidden state 0 is the
     * embedding output, so index v needs v layers and a negative v counts from L+1.
     */
    public int visionLayersToRun() {
        return visionFeatureLayer >= 0 ? visionFeatureLayer : vision.numHiddenLayers() + 1 + visionFeatureLayer;
    }

    /** Visual tokens one image contributes ("default" drops the class token). */
    public int imageSeqLength() {
        return vision.numPatches() + (visionFeatureSelectStrategy.equals("full") ? 1 : 0);
    }
}
