package dev.vscan.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.text.ChatMessage;
import dev.vscan.model.text.LlavaTokenizer;
import dev.vscan.model.text.PromptFormat;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Qwen2.5-VL prompt: the checkpoint's chat template (default system message) and its tokenizer. */
class QwenPromptTest {

    private static final int IMAGE_PAD = 247;

    @Test
    void oneAndTwoImagesRenderAndTokenizeAsTheProcessorDoes() throws IOException, URISyntaxException {
        Path dir = Path.of(QwenPromptTest.class.getResource("/qwen2_5_vl-reference/config.json").toURI()).getParent();
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        // the template is the checkpoint's, whatever the text model type would pick as a fallback
        PromptFormat format = PromptFormat.forCheckpoint(dir, "qwen2");
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(dir, "<|image_pad|>", IMAGE_PAD)) {
            String one = format.render(List.of(ChatMessage.user(1, expected.get("question").asText())));
            assertEquals(expected.get("prompt").asText(), one);
            assertArrayEquals(MRopePositionsTest.longs(expected.get("input_ids_unexpanded")),
                    tokenizer.encode(one, format.addSpecialTokens(one)));

            JsonNode two = expected.get("two_images");
            String both = format.render(List.of(ChatMessage.user(2, two.get("question").asText())));
            assertEquals(two.get("prompt").asText(), both);
            assertArrayEquals(MRopePositionsTest.longs(two.get("input_ids_unexpanded")),
                    tokenizer.encode(both, format.addSpecialTokens(both)));
        }
    }
}
