package dev.vscan.model.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads the Qwen2.5-VL vision settings of a checkpoint directory: {@code vision_config} of config.json
 * (the same place in the published flat form and in transformers 5's text_config / vision_config form)
 * and the image processor's preprocessor_config.json. Absent keys take transformers' defaults; a value
 * of the wrong type or out of range fails naming the file and the key.
 */
public final class QwenConfigReader {

    public static final String MODEL_TYPE = "qwen2_5_vl";

    private static final ObjectMapper JSON = new ObjectMapper();

    private QwenConfigReader() {
    }

    public static QwenVisionConfig vision(Path dir) {
        JsonFields root = fields(dir.resolve(ConfigLoader.MODEL_FILE), true);
        String modelType = root.stringOr("model_type", null);
        if (!MODEL_TYPE.equals(modelType)) {
            throw root.error(modelType == null ? "model_type is missing; expected " + MODEL_TYPE
                    : "model_type '" + modelType + "' is not " + MODEL_TYPE);
        }
        if (!root.has("vision_config")) {
            throw root.error("vision_config is missing");
        }
        try {
            return vision(root.object("vision_config"));
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage());
        }
    }

    /** The processor settings; Qwen2VLImageProcessor's defaults when the file is absent. */
    public static QwenPreprocessorConfig preprocessor(Path dir) {
        Path file = dir.resolve(ConfigLoader.PREPROCESSOR_FILE);
        if (!Files.isRegularFile(file)) {
            return QwenPreprocessorConfig.DEFAULTS;
        }
        JsonFields root = fields(file, false);
        try {
            return preprocessor(root);
        } catch (IllegalArgumentException e) {
            throw root.error(e.getMessage());
        }
    }

    private static QwenVisionConfig vision(JsonFields v) {
        QwenVisionConfig d = QwenVisionConfig.DEFAULTS;
        // The published configs write in_chans, which transformers ignores for in_channels (default 3).
        int channels = v.intOr("in_channels", v.intOr("in_chans", d.inChannels()));
        List<Integer> fullAttention = v.intListOrNull("fullatt_block_indexes");
        return new QwenVisionConfig(v.intOr("depth", d.depth()), v.intOr("hidden_size", d.hiddenSize()),
                v.intOr("intermediate_size", d.intermediateSize()), v.intOr("num_heads", d.numHeads()), channels,
                v.intOr("out_hidden_size", d.outHiddenSize()), v.intOr("patch_size", d.patchSize()),
                v.intOr("spatial_merge_size", d.spatialMergeSize()),
                v.intOr("temporal_patch_size", d.temporalPatchSize()), v.intOr("window_size", d.windowSize()),
                fullAttention == null ? d.fullAttentionBlocks() : fullAttention, v.stringOr("hidden_act", d.hiddenAct()),
                d.rmsNormEps());
    }

    private static QwenPreprocessorConfig preprocessor(JsonFields root) {
        QwenPreprocessorConfig d = QwenPreprocessorConfig.DEFAULTS;
        int resample = root.intOr("resample", PreprocessorConfig.BICUBIC);
        if (resample != PreprocessorConfig.BICUBIC) {
            throw root.error("resample " + resample + " is not supported; only bicubic (3) is");
        }
        long minPixels = d.minPixels();
        long maxPixels = d.maxPixels();
        if (root.has("size")) {
            JsonFields size = root.object("size");
            // Newer processors write {shortest_edge, longest_edge}; older ones saved {min_pixels, max_pixels}.
            if (size.has("shortest_edge") || size.has("longest_edge")) {
                minPixels = size.intOr("shortest_edge", (int) minPixels);
                maxPixels = size.intOr("longest_edge", (int) maxPixels);
            } else if (size.has("min_pixels") || size.has("max_pixels")) {
                minPixels = size.intOr("min_pixels", (int) minPixels);
                maxPixels = size.intOr("max_pixels", (int) maxPixels);
            } else {
                throw root.error("size must be {\"shortest_edge\": min_pixels, \"longest_edge\": max_pixels}");
            }
        }
        // As in transformers, min_pixels / max_pixels override size when both are written.
        minPixels = root.intOr("min_pixels", (int) minPixels);
        maxPixels = root.intOr("max_pixels", (int) maxPixels);
        return new QwenPreprocessorConfig(minPixels, maxPixels, root.intOr("patch_size", d.patchSize()),
                root.intOr("merge_size", d.mergeSize()), root.intOr("temporal_patch_size", d.temporalPatchSize()),
                root.boolOr("do_resize", d.doResize()), root.boolOr("do_rescale", d.doRescale()),
                root.doubleOr("rescale_factor", d.rescaleFactor()), root.boolOr("do_normalize", d.doNormalize()),
                root.floatArrayOr("image_mean", d.imageMean()), root.floatArrayOr("image_std", d.imageStd()),
                root.boolOr("do_convert_rgb", d.doConvertRgb()));
    }

    private static JsonFields fields(Path file, boolean required) {
        if (required && !Files.isRegularFile(file)) {
            throw new ConfigException("no " + file.getFileName() + " in checkpoint directory " + file.getParent());
        }
        try {
            JsonNode node = JSON.readTree(file.toFile());
            return new JsonFields(file, "", node);
        } catch (JsonProcessingException e) {
            throw new ConfigException(file + " is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e, e);
        }
    }
}
