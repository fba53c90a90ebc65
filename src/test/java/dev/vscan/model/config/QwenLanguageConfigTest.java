package dev.vscan.model.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Qwen2.5-VL's language side, from the flat published config.json and from transformers 5's nested one. */
class QwenLanguageConfigTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path fixture() throws URISyntaxException {
        return Path.of(QwenLanguageConfigTest.class.getResource("/qwen2_5_vl-reference/config.json").toURI())
                .getParent();
    }

    @Test
    void thePublishedFlatFormReadsTheDecoderAndItsMropeSection() throws URISyntaxException {
        QwenLanguageConfig config = ConfigLoader.loadQwenLanguage(fixture());
        TextConfig text = config.text();
        assertEquals(64, text.hiddenSize());
        assertEquals(4, text.numHiddenLayers());
        assertEquals(2, text.numKeyValueHeads());
        assertEquals(16, text.headDim());
        assertEquals(1e6, text.ropeTheta());
        assertEquals(List.of(2, 3, 3), text.mropeSection());
        assertEquals(247, config.imageTokenId());
        assertEquals(244, config.visionStartTokenId());
        assertEquals(245, config.visionEndTokenId());
        assertEquals(256, text.vocabSize());
    }

    @Test
    void transformersFiveNestsTheDecoderInTextConfig(@TempDir Path dir) throws IOException, URISyntaxException {
        ObjectNode flat = (ObjectNode) JSON.readTree(fixture().resolve("config.json").toFile());
        ObjectNode root = JSON.createObjectNode();
        ObjectNode text = root.putObject("text_config");
        for (String key : List.of("hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                "num_key_value_heads", "rms_norm_eps", "vocab_size", "hidden_act", "max_position_embeddings")) {
            text.set(key, flat.get(key));
        }
        ObjectNode rope = text.putObject("rope_parameters");
        rope.put("rope_type", "default");
        rope.put("rope_theta", 1e6);
        rope.putArray("mrope_section").add(2).add(3).add(3);
        for (String key : List.of("model_type", "image_token_id", "vision_start_token_id", "vision_end_token_id",
                "vision_config", "tie_word_embeddings", "bos_token_id", "eos_token_id")) {
            root.set(key, flat.get(key));
        }
        Files.writeString(dir.resolve("config.json"), root.toString());
        assertEquals(ConfigLoader.loadQwenLanguage(fixture()), ConfigLoader.loadQwenLanguage(dir));
    }

    @Test
    void aMissingMropeSectionIsNamed(@TempDir Path dir) throws IOException, URISyntaxException {
        ObjectNode flat = (ObjectNode) JSON.readTree(fixture().resolve("config.json").toFile());
        flat.remove("rope_scaling");
        Files.writeString(dir.resolve("config.json"), flat.toString());
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.loadQwenLanguage(dir));
        assertTrue(e.getMessage().contains("mrope_section is missing"), e.getMessage());
    }
}
