package dev.vscan.model.config;

import dev.vscan.model.weights.ReferenceFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigLoaderTest {

    /** Exactly the keys llava-hf/llava-1.5-7b-hf publishes (LVLM_ARCHITECTURES.md §1.1). */
    private static final String LLAVA_15_7B = """
            {
              "architectures": ["LlavaForConditionalGeneration"], "model_type": "llava",
              "image_token_index": 32000, "pad_token_id": 32001, "ignore_index": -100,
              "projector_hidden_act": "gelu", "vision_feature_layer": -2,
              "vision_feature_select_strategy": "default", "tie_word_embeddings": false,
              "torch_dtype": "float16", "vocab_size": 32064,
              "text_config": {"model_type": "llama", "max_position_embeddings": 4096, "rms_norm_eps": 1e-05,
                              "vocab_size": 32064, "_name_or_path": "lmsys/vicuna-7b-v1.5"},
              "vision_config": {"model_type": "clip_vision_model", "hidden_size": 1024, "image_size": 336,
                                "intermediate_size": 4096, "num_attention_heads": 16, "num_hidden_layers": 24,
                                "patch_size": 14, "projection_dim": 768, "vocab_size": 32000}
            }
            """;

    @TempDir
    Path dir;

    @Test
    void referenceFixtureConfig() {
        Path fixture = ReferenceFixture.llavaReference();
        LlavaConfig config = ConfigLoader.loadModel(fixture);

        assertEquals(48, config.vision().hiddenSize());
        assertEquals(4, config.vision().numHiddenLayers());
        assertEquals(12, config.vision().headDim());
        assertEquals(8, config.vision().gridSize());
        assertEquals(64, config.vision().numPatches());
        assertEquals(2, config.text().numKeyValueHeads());
        assertEquals(16, config.text().headDim());
        assertEquals(10000.0, config.text().ropeTheta());
        assertEquals(List.of(2), config.text().eosTokenIds());
        assertEquals(226, config.text().vocabSize());
        assertEquals(3, config.imageTokenIndex());
        assertEquals(0, config.padTokenId());
        assertEquals(3, config.visionLayersToRun());
        assertFalse(config.tieWordEmbeddings());

        PreprocessorConfig pre = ConfigLoader.loadPreprocessor(fixture);
        assertEquals(112, pre.shortestEdge());
        assertEquals(112, pre.cropHeight());
        assertEquals(0.26130258f, pre.imageStd()[1]);
        GenerationConfig generation = ConfigLoader.loadGeneration(fixture);
        assertEquals(List.of(2), generation.eosTokenIds());
        assertNull(generation.maxNewTokens());
    }

    @Test
    void sparsePublishedConfigGetsLlamaAndClipDefaults() throws IOException {
        Files.writeString(dir.resolve("config.json"), LLAVA_15_7B);
        LlavaConfig config = ConfigLoader.loadModel(dir);

        TextConfig text = config.text();
        assertEquals(32064, text.vocabSize());
        assertEquals(4096, text.hiddenSize());
        assertEquals(11008, text.intermediateSize());
        assertEquals(32, text.numHiddenLayers());
        assertEquals(32, text.numAttentionHeads());
        assertEquals(32, text.numKeyValueHeads());
        assertEquals(128, text.headDim());
        assertEquals(1e-5, text.rmsNormEps());
        assertEquals(10000.0, text.ropeTheta());
        assertEquals(4096, text.maxPositionEmbeddings());
        assertEquals("silu", text.hiddenAct());
        assertEquals(1, text.bosTokenId());
        assertEquals(List.of(2), text.eosTokenIds());

        VisionConfig vision = config.vision();
        assertEquals(1024, vision.hiddenSize());
        assertEquals(3, vision.numChannels());
        assertEquals(1e-5, vision.layerNormEps());
        assertEquals("quick_gelu", vision.hiddenAct());
        assertEquals(576, vision.numPatches());

        assertEquals(32000, config.imageTokenIndex());
        assertEquals(32001, config.padTokenId());
        assertEquals(23, config.visionLayersToRun());
        assertEquals(576, config.imageSeqLength());
        assertTrue(config.multimodalProjectorBias());

        // Without a preprocessor_config.json: CLIP defaults at the tower's image size.
        PreprocessorConfig pre = ConfigLoader.loadPreprocessor(dir);
        assertEquals(336, pre.shortestEdge());
        assertEquals(336, pre.cropWidth());
        assertEquals(1.0 / 255, pre.rescaleFactor());
        assertEquals(3, pre.resample());
        assertEquals(GenerationConfig.empty(), ConfigLoader.loadGeneration(dir));
    }

    @Test
    void ropeParametersFormAndTokenAliases() throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "llava", "image_token_id": 7, "tie_word_embeddings": false,
                 "text_config": {"hidden_size": 64, "num_attention_heads": 4, "eos_token_id": [2, 9],
                                 "tie_word_embeddings": true,
                                 "rope_parameters": {"rope_type": "default", "rope_theta": 500000.0}}}
                """);
        LlavaConfig config = ConfigLoader.loadModel(dir);
        assertEquals(500000.0, config.text().ropeTheta());
        assertEquals(7, config.imageTokenIndex());
        assertEquals(List.of(2, 9), config.text().eosTokenIds());
        assertTrue(config.text().isEos(9));
        assertTrue(config.tieWordEmbeddings(), "text_config's tie_word_embeddings ties the model");
        assertEquals(-1, config.padTokenId());
        assertEquals(16, config.text().headDim());
    }

    @Test
    void scaledRopeIsRejected() throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "llava", "text_config": {"rope_scaling": {"type": "linear", "factor": 2.0}}}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadModel(dir));
        assertEquals(dir.resolve("config.json") + ": text_config.rope_scaling.rope_type 'linear' is not supported;"
                + " only unscaled RoPE ('default') is (rope_scaling)", e.getMessage());
    }

    @Test
    void aMistralTextModelIsLlamasArchitectureUnlessItSlidesAWindow() throws IOException {
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "llava", "text_config": {"model_type": "mistral", "rope_theta": 1000000.0,
                 "max_position_embeddings": 32768, "sliding_window": null}}
                """);
        assertEquals(1e6, ConfigLoader.loadModel(dir).text().ropeTheta());
        assertEquals("mistral", ConfigLoader.textModelType(dir));
        Files.writeString(dir.resolve("config.json"), """
                {"model_type": "llava", "text_config": {"model_type": "mistral", "max_position_embeddings": 32768,
                 "sliding_window": 4096}}
                """);
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadModel(dir));
        assertEquals(dir.resolve("config.json") + ": text_config.sliding_window 4096 is shorter than"
                + " max_position_embeddings 32768: sliding-window attention is not supported", e.getMessage());
    }

    @Test
    void unsupportedModelTypeNamesFile() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"qwen2_5_vl\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadModel(dir));
        assertEquals(dir.resolve("config.json") + ": model_type 'qwen2_5_vl' is not supported; supported: llava",
                e.getMessage());
    }

    @Test
    void missingAndBrokenFilesAreNamed() throws IOException {
        ConfigException missing = assertThrows(ConfigException.class, () -> ConfigLoader.loadModel(dir));
        assertEquals("no config.json in checkpoint directory " + dir, missing.getMessage());

        Files.writeString(dir.resolve("config.json"), "{\"model_type\": ");
        ConfigException broken = assertThrows(ConfigException.class, () -> ConfigLoader.loadModel(dir));
        assertTrue(broken.getMessage().startsWith(dir.resolve("config.json") + " is not valid JSON"),
                broken.getMessage());
    }

    @Test
    void listOfVisionFeatureLayersIsNotSupportedYet() throws IOException {
        Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"llava\", \"vision_feature_layer\": [-2, -5]}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadModel(dir));
        assertTrue(e.getMessage().contains("vision_feature_layer [-2,-5] (a list of layers) is not supported yet"),
                e.getMessage());
    }

    @Test
    void invalidValuesFailWithTheKey() throws IOException {
        Files.writeString(dir.resolve("config.json"),
                "{\"model_type\": \"llava\", \"vision_config\": {\"image_size\": 100, \"patch_size\": 14}}");
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadModel(dir));
        assertEquals(dir.resolve("config.json") + ": vision_config.image_size 100 is not a multiple of patch_size 14",
                e.getMessage());
    }

    @Test
    void writtenConfigReadsBackEqual() throws IOException {
        LlavaConfig original = new LlavaConfig(
                new VisionConfig(48, 96, 4, 4, 3, 112, 14, 1e-5, "quick_gelu", 48),
                new TextConfig(226, 64, 160, 4, 4, 2, 16, 1e-5, 10000, 1024, "silu", false, 1, List.of(2, 5), 0),
                3, "gelu", -2, "default", true, false, 0);
        Files.writeString(dir.resolve("config.json"), ConfigLoader.toJson(original));
        assertEquals(original, ConfigLoader.loadModel(dir));

        PreprocessorConfig pre = new PreprocessorConfig(112, 112, 96, true, true, true, 1 / 255.0, true,
                new float[] {0.5f, 0.25f, 0.125f}, new float[] {0.2f, 0.3f, 0.4f}, true, 2);
        Files.writeString(dir.resolve("preprocessor_config.json"), ConfigLoader.toJson(pre));
        PreprocessorConfig read = ConfigLoader.loadPreprocessor(dir);
        assertEquals(pre, read);
        assertArrayEquals(new float[] {0.2f, 0.3f, 0.4f}, read.imageStd());
    }

    @Test
    void preprocessorSizeForms() throws IOException {
        Files.writeString(dir.resolve("preprocessor_config.json"),
                "{\"size\": {\"height\": 384, \"width\": 384}, \"crop_size\": 320}");
        PreprocessorConfig pre = ConfigLoader.loadPreprocessor(dir);
        assertEquals(384, pre.shortestEdge());
        assertEquals(320, pre.cropHeight());
        assertEquals(320, pre.cropWidth());
        assertArrayEquals(PreprocessorConfig.CLIP_MEAN, pre.imageMean());
    }
}
