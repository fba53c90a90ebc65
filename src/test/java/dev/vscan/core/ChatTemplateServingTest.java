package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.text.ChatTemplate;
import dev.vscan.model.text.PromptTemplate;
import dev.vscan.wire.InferenceRequest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint's chat template reaches the tokens the service and the pipeline prepare. The template here
 * writes the BOS token itself, as many do, so the tokenizer must not add a second one.
 */
class ChatTemplateServingTest {

    private static final String VICUNA_WITH_BOS = "{{ bos_token }}{% for message in messages %}"
            + "{{ message['role'].upper() + ': ' }}"
            + "{% for content in message['content'] | selectattr('type', 'equalto', 'image') %}{{ '<image>\\n' }}{% endfor %}"
            + "{% for content in message['content'] | selectattr('type', 'equalto', 'text') %}{{ content['text'] + ' ' }}"
            + "{% endfor %}{% endfor %}{% if add_generation_prompt %}{{ 'ASSISTANT:' }}{% endif %}";

    @TempDir
    Path checkpoint;

    @Test
    void thePreparedTokensAreTheTemplatesWithOneBos() throws IOException, URISyntaxException {
        Path fixture = Path.of(getClass().getResource("/llava-next-reference/config.json").toURI()).getParent();
        JsonNode expected = new ObjectMapper().readTree(fixture.resolve("expected.json").toFile());
        long[] referenceIds = new ObjectMapper().convertValue(expected.get("input_ids"), long[].class);
        byte[] image = Files.readAllBytes(fixture.resolve("image.png"));
        try (var files = Files.list(fixture)) {
            for (Path file : files.toList()) {
                Files.copy(file, checkpoint.resolve(file.getFileName()));
            }
        }

        // Without a template: the built-in vicuna prompt, as before.
        try (LlavaPipeline pipeline = LlavaPipeline.load(checkpoint, EngineOptions.cpu(), ImageLimits.defaults())) {
            assertSame(PromptTemplate.VICUNA, pipeline.template());
        }

        new ObjectMapper().writeValue(checkpoint.resolve(ChatTemplate.JSON_FILE).toFile(),
                Map.of("chat_template", VICUNA_WITH_BOS));
        String question = expected.get("question").asText();
        try (RequestPreparer preparer = new RequestPreparer(checkpoint, ImageLimits.defaults(), 8, 64)) {
            InferenceRequest request = new InferenceRequest("t1", List.of(), question, null);
            assertArrayEquals(referenceIds, preparer.prepare(request, List.of(image)).request().promptIds());
        }
        try (LlavaPipeline pipeline = LlavaPipeline.load(checkpoint, EngineOptions.cpu(), ImageLimits.defaults())) {
            ChatTemplate template = assertInstanceOf(ChatTemplate.class, pipeline.template());
            assertEquals("<s>USER: <image>\n" + question + " ASSISTANT:", template.forImages(1, question));
            assertArrayEquals(referenceIds, pipeline.request(question, List.of(image), SamplingParams.greedy(8), null,
                    null).promptIds());
        }
    }
}
