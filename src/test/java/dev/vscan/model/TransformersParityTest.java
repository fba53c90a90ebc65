package dev.vscan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.Generator;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.weights.SafetensorsReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against Hugging Face transformers itself: a random LlavaForConditionalGeneration saved
 * with save_pretrained by tools/parity/make_fixtures.py, with transformers' logits and greedy answers
 * for a one-image and a two-image prompt. Fed the same pixel values, the engine must agree within
 * 1e-4, alone and with both prompts in one batch.
 */
class TransformersParityTest {

    private static Path dir;
    private static JsonNode expected;
    private static LlavaModel model;
    private static final List<GenerationRequest> requests = new ArrayList<>();

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        var resource = TransformersParityTest.class.getResource("/parity/expected.json");
        Assumptions.assumeTrue(resource != null,
                "no transformers fixtures in src/test/resources/parity: run tools/parity/make_fixtures.py");
        dir = Path.of(resource.toURI()).getParent();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        model = LlavaModel.load(dir, EngineOptions.cpu());
        try (SafetensorsReader inputs = SafetensorsReader.open(dir.resolve(expected.get("inputs_file").asText()))) {
            for (JsonNode c : expected.get("cases")) {
                requests.add(GenerationRequest.plain(ReferenceParityTest.longs(c.get("input_ids_unexpanded")),
                        pixels(inputs, c), SamplingParams.greedy(c.get("answer_ids").size())));
            }
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static List<PixelValues> pixels(SafetensorsReader inputs, JsonNode c) {
        JsonNode shape = c.get("pixel_values_shape");
        int images = shape.get(0).asInt(), channels = shape.get(1).asInt();
        int height = shape.get(2).asInt(), width = shape.get(3).asInt();
        float[] all = inputs.readFloat32(c.get("pixel_values_key").asText());
        List<PixelValues> out = new ArrayList<>();
        int size = channels * height * width;
        for (int i = 0; i < images; i++) {
            float[] one = new float[size];
            System.arraycopy(all, i * size, one, 0, size);
            out.add(new PixelValues(channels, height, width, one));
        }
        return out;
    }

    @Test
    void savedCheckpointUsesTheLayoutTransformersWrites() {
        assertEquals(89, expected.get("weight_names").size());
    }

    @Test
    void firstLogitsMatchAloneAndBatched() {
        Generator generator = new Generator(model);
        float[][] batched = generator.promptLogits(requests);
        for (int i = 0; i < requests.size(); i++) {
            JsonNode reference = expected.get("cases").get(i).get("first_logits");
            float[] alone = generator.promptLogits(List.of(requests.get(i)))[0];
            assertEquals(0, maxDifference(alone, reference), 1e-4, "case " + i + " alone");
            assertEquals(0, maxDifference(batched[i], reference), 1e-4, "case " + i + " batched");
        }
    }

    @Test
    void greedyAnswersMatch() {
        List<GenerationOutput> outputs = new Generator(model).generate(requests);
        for (int i = 0; i < requests.size(); i++) {
            assertArrayEquals(ReferenceParityTest.longs(expected.get("cases").get(i).get("answer_ids")),
                    outputs.get(i).tokens(), "case " + i);
        }
    }

    private static double maxDifference(float[] actual, JsonNode reference) {
        assertEquals(reference.size(), actual.length);
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - reference.get(i).asDouble()));
        }
        return worst;
    }
}
