package dev.vscan.model.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QwenConfigReaderTest {

    @TempDir
    Path dir;

    static Path fixture() {
        try {
            return Path.of(QwenConfigReaderTest.class.getResource("/qwen2_5_vl-reference/config.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readsThePublishedFlatConfig() {
        QwenVisionConfig v = QwenConfigReader.vision(fixture());
        assertEquals(new QwenVisionConfig(4, 32, 64, 2, 3, 64, 14, 2, 2, 56, List.of(1, 3), "silu", 1e-6), v);
        assertEquals(16, v.headDim());
        assertEquals(1176, v.patchValues());
        assertEquals(2, v.windowMergedTokens());
        assertTrue(v.fullAttention(3));
    }

    @Test
    void readsTheTransformers5FormWithInChannels() throws IOException {
        write("config.json", """
                {"model_type": "qwen2_5_vl",
                 "text_config": {"model_type": "qwen2_5_vl_text", "hidden_size": 3584},
                 "vision_config": {"depth": 32, "hidden_size": 1280, "intermediate_size": 3420, "num_heads": 16,
                                   "in_channels": 3, "out_hidden_size": 3584, "window_size": 112,
                                   "fullatt_block_indexes": [7, 15, 23, 31]}}
                """);
        QwenVisionConfig v = QwenConfigReader.vision(dir);
        assertEquals(80, v.headDim());
        assertEquals(3584, v.outHiddenSize());
        assertEquals(4, v.windowMergedTokens());
        assertEquals(List.of(7, 15, 23, 31), v.fullAttentionBlocks());
    }

    @Test
    void absentKeysTakeTransformersDefaults() throws IOException {
        write("config.json", "{\"model_type\": \"qwen2_5_vl\", \"vision_config\": {}}");
        assertEquals(QwenVisionConfig.DEFAULTS, QwenConfigReader.vision(dir));
    }

    @Test
    void errorsNameTheKey() throws IOException {
        assertMessage("{\"model_type\": \"qwen2_5_vl\"}", "vision_config is missing");
        assertMessage("{\"model_type\": \"qwen2_vl\", \"vision_config\": {}}", "model_type 'qwen2_vl'");
        assertMessage("{\"model_type\": \"qwen2_5_vl\", \"vision_config\": {\"depth\": \"four\"}}",
                "vision_config.depth must be an integer");
        assertMessage("{\"model_type\": \"qwen2_5_vl\", \"vision_config\": {\"depth\": 4}}",
                "vision_config.fullatt_block_indexes");
        assertMessage("{\"model_type\": \"qwen2_5_vl\", \"vision_config\": {\"hidden_size\": 30, \"num_heads\": 2}}",
                "must be a multiple of 4");
        assertMessage("{\"model_type\": \"qwen2_5_vl\", \"vision_config\": {\"window_size\": 14}}",
                "vision_config.window_size 14");
    }

    private void assertMessage(String json, String part) throws IOException {
        write("config.json", json);
        ConfigException e = assertThrows(ConfigException.class, () -> QwenConfigReader.vision(dir));
        assertTrue(e.getMessage().contains(part), e.getMessage());
        assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    }

    @Test
    void readsThePublishedPreprocessorConfig() {
        QwenPreprocessorConfig p = QwenConfigReader.preprocessor(fixture());
        assertEquals(3136, p.minPixels());
        assertEquals(62720, p.maxPixels());
        assertEquals(28, p.factor());
        assertEquals(2, p.temporalPatchSize());
        assertArrayEquals(PreprocessorConfig.CLIP_STD, p.imageStd());
        assertEquals(1.0 / 255, p.rescaleFactor());
    }

    @Test
    void newerProcessorsWriteTheBoundsAsSizeAndMinMaxPixelsOverrideThem() throws IOException {
        write("preprocessor_config.json", "{\"size\": {\"shortest_edge\": 1000, \"longest_edge\": 200000}}");
        QwenPreprocessorConfig p = QwenConfigReader.preprocessor(dir);
        assertEquals(1000, p.minPixels());
        assertEquals(200000, p.maxPixels());
        write("preprocessor_config.json", "{\"size\": {\"shortest_edge\": 1000, \"longest_edge\": 200000},"
                + " \"max_pixels\": 50000}");
        assertEquals(50000, QwenConfigReader.preprocessor(dir).maxPixels());
        write("preprocessor_config.json", "{\"size\": {\"min_pixels\": 784, \"max_pixels\": 9000}}");
        assertEquals(784, QwenConfigReader.preprocessor(dir).minPixels());
    }

    @Test
    void anAbsentPreprocessorFileGivesTheProcessorDefaults() {
        assertEquals(QwenPreprocessorConfig.DEFAULTS, QwenConfigReader.preprocessor(dir));
        assertEquals(28 * 28 * 1280, QwenPreprocessorConfig.DEFAULTS.maxPixels());
    }

    @Test
    void preprocessorErrorsNameTheKey() throws IOException {
        write("preprocessor_config.json", "{\"resample\": 2}");
        assertTrue(assertThrows(ConfigException.class, () -> QwenConfigReader.preprocessor(dir)).getMessage()
                .contains("resample 2"));
        write("preprocessor_config.json", "{\"min_pixels\": 5000, \"max_pixels\": 4000}");
        assertTrue(assertThrows(ConfigException.class, () -> QwenConfigReader.preprocessor(dir)).getMessage()
                .contains("min_pixels 5000"));
        write("preprocessor_config.json", "{\"do_rescale\": 1}");
        assertTrue(assertThrows(ConfigException.class, () -> QwenConfigReader.preprocessor(dir)).getMessage()
                .contains("do_rescale must be true or false"));
    }

    private void write(String name, String json) throws IOException {
        Files.writeString(dir.resolve(name), json);
    }
}
