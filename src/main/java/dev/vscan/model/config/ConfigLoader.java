package dev.vscan.model.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code config.json}, {@code preprocessor_config.json} and {@code generation_config.json} of a
 * checkpoint directory, filling Hugging Face's defaults for absent keys, and writes the first two back
 * in the llava-hf style.
 */
public final class ConfigLoader {

    public static final String MODEL_FILE = "config.json";
    public static final String PREPROCESSOR_FILE = "preprocessor_config.json";
    public static final String GENERATION_FILE = "generation_config.json";

    private static final String LLAVA_NEXT = "llava_next";
    private static final String QWEN2_5_VL = "qwen2_5_vl";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ConfigLoader() {
    }

    /**
     * The model config of a LLaVA-1.5 checkpoint (model_type "llava"). A "llava_next" one is refused here
     * rather than run as LLaVA-1.5, which would silently drop its tiles: see {@link #loadNext}.
     */
    public static LlavaConfig loadModel(Path dir) {
        JsonFields root = modelRoot(dir);
        String modelType = root.stringOr("model_type", null);
        if (LLAVA_NEXT.equals(modelType)) {
            throw root.error("model_type 'llava_next' (LLaVA-NeXT) is read by the engine's AnyRes parts, but"
                    + " generation with it is not wired yet; supported for generation: llava");
        }
        if (!"llava".equals(modelType)) {
            throw root.error(modelType == null ? "model_type is missing; supported: llava"
                    : "model_type '" + modelType + "' is not supported; supported: llava");
        }
        try {
            return LlavaConfigReader.read(root);
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage());
        }
    }

    /** The model_type config.json names, which picks the model family. */
    public static String modelType(Path dir) {
        JsonFields root = modelRoot(dir);
        String modelType = root.stringOr("model_type", null);
        if (modelType == null) {
            throw root.error("model_type is missing; supported: llava, llava_next");
        }
        return modelType;
    }

    /** The text model's {@code model_type} ({@code text_config.model_type}; llama when absent). */
    public static String textModelType(Path dir) {
        return modelRoot(dir).object("text_config").stringOr("model_type", "llama");
    }

    /** A LLaVA-NeXT config: model_type "llava_next" with its {@code image_grid_pinpoints}. */
    public static LlavaNextConfig loadNext(Path dir) {
        JsonFields root = modelRoot(dir);
        String modelType = root.stringOr("model_type", null);
        if (!LLAVA_NEXT.equals(modelType)) {
            throw root.error("model_type '" + modelType + "' is not " + LLAVA_NEXT);
        }
        try {
            return new LlavaNextConfig(LlavaConfigReader.read(root), pinpoints(root));
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage());
        }
    }

    /** The language side of a Qwen2.5-VL config (model_type "qwen2_5_vl"), flat or nested. */
    public static QwenLanguageConfig loadQwenLanguage(Path dir) {
        JsonFields root = modelRoot(dir);
        String modelType = root.stringOr("model_type", null);
        if (!QWEN2_5_VL.equals(modelType)) {
            throw root.error("model_type '" + modelType + "' is not " + QWEN2_5_VL);
        }
        try {
            return QwenTextConfigReader.read(root);
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage());
        }
    }

    private static List<int[]> pinpoints(JsonFields root) {
        JsonNode list = root.raw("image_grid_pinpoints");
        if (list == null || !list.isArray()) {
            throw root.error(root.path("image_grid_pinpoints") + " must be a list of [height, width] pairs");
        }
        List<int[]> out = new ArrayList<>();
        for (JsonNode pair : list) {
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).canConvertToInt() || !pair.get(1).canConvertToInt()) {
                throw root.error(root.path("image_grid_pinpoints") + " entry " + pair + " is not a [height, width] pair");
            }
            out.add(new int[] {pair.get(0).asInt(), pair.get(1).asInt()});
        }
        return out;
    }

    private static JsonFields modelRoot(Path dir) {
        Path file = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(file)) {
            throw new ConfigException("no " + MODEL_FILE + " in checkpoint directory " + dir);
        }
        return new JsonFields(file, "", parse(file));
    }

    /** The image preprocessing settings; CLIP defaults for the model's image size if the file is absent. */
    public static PreprocessorConfig loadPreprocessor(Path dir) {
        Path file = dir.resolve(PREPROCESSOR_FILE);
        if (!Files.isRegularFile(file)) {
            return PreprocessorConfig.clipDefaults(loadModel(dir).vision().imageSize());
        }
        JsonFields root = new JsonFields(file, "", parse(file));
        try {
            return readPreprocessor(root);
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage());
        }
    }

    /** Decoding defaults; an empty config if the file is absent. */
    public static GenerationConfig loadGeneration(Path dir) {
        Path file = dir.resolve(GENERATION_FILE);
        if (!Files.isRegularFile(file)) {
            return GenerationConfig.empty();
        }
        JsonFields root = new JsonFields(file, "", parse(file));
        try {
            return new GenerationConfig(root.intOrNull("bos_token_id"), root.intListOrNull("eos_token_id"),
                    root.intOrNull("pad_token_id"), root.intOrNull("max_new_tokens"), root.doubleOrNull("temperature"),
                    root.doubleOrNull("top_p"), root.boolOrNull("do_sample"), root.doubleOrNull("repetition_penalty"));
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage());
        }
    }

    /** A complete llava-hf style config.json for {@code config}; {@link #loadModel} reads it back equal. */
    public static String toJson(LlavaConfig config) {
        return write(llavaRoot(config, "LlavaForConditionalGeneration", "llava"));
    }

    /** A llava-hf style LLaVA-NeXT config.json; {@link #loadNext} reads it back equal. */
    public static String toJson(LlavaNextConfig config) {
        Map<String, Object> root = llavaRoot(config.base(), "LlavaNextForConditionalGeneration", LLAVA_NEXT);
        root.put("image_grid_pinpoints", config.pinpoints());
        root.put("use_image_newline_parameter", true);
        return write(root);
    }

    private static Map<String, Object> llavaRoot(LlavaConfig config, String architecture, String modelType) {
        VisionConfig v = config.vision();
        TextConfig t = config.text();
        Map<String, Object> vision = new LinkedHashMap<>();
        vision.put("model_type", "clip_vision_model");
        vision.put("hidden_size", v.hiddenSize());
        vision.put("intermediate_size", v.intermediateSize());
        vision.put("num_hidden_layers", v.numHiddenLayers());
        vision.put("num_attention_heads", v.numAttentionHeads());
        vision.put("num_channels", v.numChannels());
        vision.put("image_size", v.imageSize());
        vision.put("patch_size", v.patchSize());
        vision.put("layer_norm_eps", v.layerNormEps());
        vision.put("hidden_act", v.hiddenAct());
        vision.put("projection_dim", v.projectionDim());

        Map<String, Object> text = new LinkedHashMap<>();
        text.put("model_type", "llama");
        text.put("vocab_size", t.vocabSize());
        text.put("hidden_size", t.hiddenSize());
        text.put("intermediate_size", t.intermediateSize());
        text.put("num_hidden_layers", t.numHiddenLayers());
        text.put("num_attention_heads", t.numAttentionHeads());
        text.put("num_key_value_heads", t.numKeyValueHeads());
        text.put("head_dim", t.headDim());
        text.put("rms_norm_eps", t.rmsNormEps());
        text.put("rope_theta", t.ropeTheta());
        text.put("max_position_embeddings", t.maxPositionEmbeddings());
        text.put("hidden_act", t.hiddenAct());
        text.put("tie_word_embeddings", t.tieWordEmbeddings());
        text.put("bos_token_id", t.bosTokenId());
        text.put("eos_token_id", t.eosTokenIds().size() == 1 ? t.eosTokenIds().get(0) : t.eosTokenIds());
        if (t.padTokenId() >= 0) {
            text.put("pad_token_id", t.padTokenId());
        }

        Map<String, Object> root = new LinkedHashMap<>();
        root.put("architectures", List.of(architecture));
        root.put("model_type", modelType);
        root.put("image_token_index", config.imageTokenIndex());
        root.put("projector_hidden_act", config.projectorHiddenAct());
        root.put("vision_feature_layer", config.visionFeatureLayer());
        root.put("vision_feature_select_strategy", config.visionFeatureSelectStrategy());
        root.put("multimodal_projector_bias", config.multimodalProjectorBias());
        root.put("tie_word_embeddings", config.tieWordEmbeddings());
        if (config.padTokenId() >= 0) {
            root.put("pad_token_id", config.padTokenId());
        }
        root.put("vision_config", vision);
        root.put("text_config", text);
        root.put("torch_dtype", "float32");
        return root;
    }

    /** A CLIPImageProcessor preprocessor_config.json for {@code config}. */
    public static String toJson(PreprocessorConfig config) {
        return write(preprocessorRoot(config, "CLIPImageProcessor", "LlavaProcessor"));
    }

    /** A LlavaNextImageProcessor preprocessor_config.json: {@code config} per crop, and the grid pinpoints. */
    public static String toJson(PreprocessorConfig config, List<int[]> pinpoints) {
        Map<String, Object> root = preprocessorRoot(config, "LlavaNextImageProcessor", "LlavaNextProcessor");
        root.put("image_grid_pinpoints", pinpoints);
        root.put("do_pad", true);
        return write(root);
    }

    private static Map<String, Object> preprocessorRoot(PreprocessorConfig config, String processorType,
            String processorClass) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("image_processor_type", processorType);
        root.put("processor_class", processorClass);
        root.put("do_resize", config.doResize());
        root.put("size", Map.of("shortest_edge", config.shortestEdge()));
        root.put("resample", config.resample());
        root.put("do_center_crop", config.doCenterCrop());
        Map<String, Object> crop = new LinkedHashMap<>();
        crop.put("height", config.cropHeight());
        crop.put("width", config.cropWidth());
        root.put("crop_size", crop);
        root.put("do_rescale", config.doRescale());
        root.put("rescale_factor", config.rescaleFactor());
        root.put("do_normalize", config.doNormalize());
        root.put("image_mean", config.imageMean());
        root.put("image_std", config.imageStd());
        root.put("do_convert_rgb", config.doConvertRgb());
        return root;
    }

    private static PreprocessorConfig readPreprocessor(JsonFields root) {
        PreprocessorConfig d = PreprocessorConfig.clipDefaults(224);
        int shortestEdge = d.shortestEdge();
        JsonNode size = root.raw("size");
        if (size != null && size.isIntegralNumber()) {
            shortestEdge = size.intValue();
        } else if (size != null) {
            JsonFields sizeFields = root.object("size");
            if (sizeFields.has("shortest_edge")) {
                shortestEdge = sizeFields.intOr("shortest_edge", shortestEdge);
            } else if (sizeFields.has("height") || sizeFields.has("width")) {
                // An exact (height, width) resize only equals a shortest-edge resize for square targets.
                int height = sizeFields.intOr("height", -1);
                int width = sizeFields.intOr("width", -1);
                if (height != width) {
                    throw root.error("size {height: " + height + ", width: " + width
                            + "} is not supported; only square sizes or shortest_edge are");
                }
                shortestEdge = height;
            } else {
                throw root.error("size must be an integer, {\"shortest_edge\": n} or {\"height\": h, \"width\": w}");
            }
        }
        int cropHeight = d.cropHeight();
        int cropWidth = d.cropWidth();
        JsonNode crop = root.raw("crop_size");
        if (crop != null && crop.isIntegralNumber()) {
            cropHeight = crop.intValue();
            cropWidth = crop.intValue();
        } else if (crop != null) {
            JsonFields cropFields = root.object("crop_size");
            cropHeight = cropFields.intOr("height", cropHeight);
            cropWidth = cropFields.intOr("width", cropWidth);
        }
        return new PreprocessorConfig(shortestEdge, cropHeight, cropWidth,
                root.boolOr("do_resize", d.doResize()), root.boolOr("do_center_crop", d.doCenterCrop()),
                root.boolOr("do_rescale", d.doRescale()), root.doubleOr("rescale_factor", d.rescaleFactor()),
                root.boolOr("do_normalize", d.doNormalize()), root.floatArrayOr("image_mean", d.imageMean()),
                root.floatArrayOr("image_std", d.imageStd()), root.boolOr("do_convert_rgb", d.doConvertRgb()),
                root.intOr("resample", d.resample()));
    }

    private static JsonNode parse(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e, e);
        }
    }

    private static String write(Map<String, Object> root) {
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode a config as JSON", e);
        }
    }
}
