package dev.vscan.model.config;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/** Builds a {@link LlavaConfig} from a parsed config.json, with LlavaConfig/CLIP/Llama defaults. */
final class LlavaConfigReader {

    private static final TextConfig LLAMA = new TextConfig(32000, 4096, 11008, 32, 32, 32, 128, 1e-6, 10000, 2048,
            "silu", false, 1, List.of(2), -1);

    private LlavaConfigReader() {
    }

    static LlavaConfig read(JsonFields root) {
        VisionConfig vision = readVision(root.object("vision_config"));
        TextConfig text = readText(root.object("text_config"), root);
        JsonNode featureLayer = root.raw("vision_feature_layer");
        if (featureLayer != null && featureLayer.isArray()) {
            throw root.error("vision_feature_layer " + featureLayer + " (a list of layers) is not supported yet;"
                    + " use a single layer index");
        }
        int imageToken = root.intOr("image_token_index", root.intOr("image_token_id", 32000));
        int padTokenId = root.intOr("pad_token_id", text.padTokenId());
        return new LlavaConfig(vision, text, imageToken, root.stringOr("projector_hidden_act", "gelu"),
                root.intOr("vision_feature_layer", -2), root.stringOr("vision_feature_select_strategy", "default"),
                root.boolOr("multimodal_projector_bias", true), root.boolOr("tie_word_embeddings", false), padTokenId);
    }

    private static VisionConfig readVision(JsonFields v) {
        checkModelType(v, "clip_vision_model");
        VisionConfig d = VisionConfig.CLIP_DEFAULTS;
        return new VisionConfig(v.intOr("hidden_size", d.hiddenSize()), v.intOr("intermediate_size", d.intermediateSize()),
                v.intOr("num_hidden_layers", d.numHiddenLayers()), v.intOr("num_attention_heads", d.numAttentionHeads()),
                v.intOr("num_channels", d.numChannels()), v.intOr("image_size", d.imageSize()),
                v.intOr("patch_size", d.patchSize()), v.doubleOr("layer_norm_eps", d.layerNormEps()),
                v.stringOr("hidden_act", d.hiddenAct()), v.intOr("projection_dim", d.projectionDim()));
    }

    private static TextConfig readText(JsonFields t, JsonFields root) {
        String type = t.stringOr("model_type", "llama");
        if (!type.equals("llama") && !type.equals("mistral")) {
            throw t.error(t.path("model_type") + " '" + type + "' is not supported; supported: llama, mistral");
        }
        // Mistral is Llama's architecture plus optional sliding-window attention, which this engine lacks.
        Integer window = t.intOrNull("sliding_window");
        int context = t.intOr("max_position_embeddings", LLAMA.maxPositionEmbeddings());
        if (window != null && window < context) {
            throw t.error(t.path("sliding_window") + " " + window + " is shorter than max_position_embeddings "
                    + context + ": sliding-window attention is not supported");
        }
        int hidden = t.intOr("hidden_size", LLAMA.hiddenSize());
        int heads = t.intOr("num_attention_heads", LLAMA.numAttentionHeads());
        if (!t.has("head_dim") && heads > 0 && hidden % heads != 0) {
            throw t.error(t.path("hidden_size") + " " + hidden + " is not divisible by num_attention_heads " + heads);
        }
        List<Integer> eos = t.intListOrNull("eos_token_id");
        return new TextConfig(t.intOr("vocab_size", root.intOr("vocab_size", LLAMA.vocabSize())), hidden,
                t.intOr("intermediate_size", LLAMA.intermediateSize()),
                t.intOr("num_hidden_layers", LLAMA.numHiddenLayers()), heads,
                t.intOr("num_key_value_heads", heads), t.intOr("head_dim", heads > 0 ? hidden / heads : 0),
                t.doubleOr("rms_norm_eps", LLAMA.rmsNormEps()), ropeTheta(t),
                t.intOr("max_position_embeddings", LLAMA.maxPositionEmbeddings()),
                t.stringOr("hidden_act", LLAMA.hiddenAct()), t.boolOr("tie_word_embeddings", false),
                t.intOr("bos_token_id", LLAMA.bosTokenId()), eos == null ? LLAMA.eosTokenIds() : eos,
                t.intOr("pad_token_id", -1));
    }

    /** Older configs write rope_theta (+ rope_scaling); transformers v5 writes rope_parameters. */
    private static double ropeTheta(JsonFields t) {
        JsonFields parameters = t.object("rope_parameters");
        checkRopeType(parameters, "rope_parameters");
        checkRopeType(t.object("rope_scaling"), "rope_scaling");
        return t.doubleOr("rope_theta", parameters.doubleOr("rope_theta", LLAMA.ropeTheta()));
    }

    private static void checkRopeType(JsonFields scaling, String key) {
        String type = scaling.stringOr("rope_type", scaling.stringOr("type", "default"));
        if (!type.equals("default")) {
            throw scaling.error(scaling.path("rope_type") + " '" + type + "' is not supported; only unscaled RoPE"
                    + " ('default') is (" + key + ")");
        }
    }

    private static void checkModelType(JsonFields sub, String expected) {
        String type = sub.stringOr("model_type", expected);
        if (!type.equals(expected)) {
            throw sub.error(sub.path("model_type") + " '" + type + "' is not supported; supported: " + expected);
        }
    }
}
