package dev.vscan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.extension.VisualTokenReducer;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.TokenListener;
import dev.vscan.model.image.ImageLimits;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine against an independent float64 implementation of Hugging Face's LLaVA-1.5: the same
 * token ids, first-step logits within 1e-4 and the same greedy answer, from image file to text.
 */
class ReferenceParityTest {

    private static LlavaPipeline pipeline;
    private static JsonNode expected;
    private static Path dir;

    @BeforeAll
    static void load() throws IOException {
        dir = TestModels.referenceCheckpoint();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults());
    }

    @AfterAll
    static void close() {
        pipeline.close();
    }

    private GenerationRequest request() throws IOException {
        byte[] image = Files.readAllBytes(dir.resolve("image.png"));
        return pipeline.request(expected.get("question").asText(), List.of(image),
                SamplingParams.greedy(expected.get("answer_ids").size()), VisualTokenReducer.NONE, SequencePruner.NONE);
    }

    @Test
    void tokenizesThePromptLikeTheReference() throws IOException {
        assertArrayEquals(longs(expected.get("input_ids")), request().promptIds());
    }

    @Test
    void firstStepLogitsMatchWithin1e4() throws IOException {
        float[] logits = pipeline.generator().promptLogits(List.of(request()))[0];
        JsonNode reference = expected.get("first_logits");
        assertEquals(reference.size(), logits.length);
        double worst = 0;
        for (int i = 0; i < logits.length; i++) {
            worst = Math.max(worst, Math.abs(logits[i] - reference.get(i).asDouble()));
        }
        assertEquals(0, worst, 1e-4, "largest logit difference");
    }

    @Test
    void greedyAnswerMatches() throws IOException {
        LlavaPipeline.Answer answer = pipeline.answer(List.of(request()), TokenListener.NONE).get(0);
        assertArrayEquals(longs(expected.get("answer_ids")), answer.output().tokens());
        assertEquals(expected.get("answer").asText(), answer.text());
        assertEquals(64, answer.output().visualTokensAfterStage1());
    }

    static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
