package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InvalidRequestException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A LLaVA-NeXT checkpoint behind the service's request preparation and a worker's running batch. */
class NextServingTest {

    private static Path fixture() throws URISyntaxException {
        return Path.of(NextServingTest.class.getResource("/llava-next-reference/config.json").toURI()).getParent();
    }

    private static InferenceRequest.RequestOptions options(String reduction, Integer r1, Integer r2, Integer layer,
            Integer budget) {
        return new InferenceRequest.RequestOptions(8, null, null, null, reduction, budget, r1, r2, layer, null, null,
                null, null);
    }

    @Test
    void aPreparedRequestIsAnsweredAsTheReferenceWithVScan() throws IOException, URISyntaxException {
        Path dir = fixture();
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        JsonNode vscan = expected.get("vscan");
        byte[] image = Files.readAllBytes(dir.resolve("image.png"));
        try (RequestPreparer preparer = new RequestPreparer(dir, ImageLimits.defaults(), 8, 64);
                LlavaPipeline pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults())) {
            InferenceRequest request = new InferenceRequest("n1", List.of(), expected.get("question").asText(),
                    options("vscan", vscan.get("r1_per_crop").asInt(), vscan.get("r2").asInt(),
                            vscan.get("layer").asInt(), null));
            RequestPreparer.Prepared prepared = preparer.prepare(request, List.of(image));
            assertInstanceOf(AnyResImage.class, prepared.request().images().get(0));
            assertEquals(expected.get("num_image_tokens").asInt(), prepared.visualTokens(),
                    "the KV estimate counts the packed image before stage 2");
            GenerationOutput[] out = new GenerationOutput[1];
            try (RunningBatch batch = pipeline.newRunningBatch()) {
                batch.admit(List.of(new RunningBatch.Admission(prepared.request(), o -> out[0] = o)));
                while (!batch.isEmpty()) {
                    batch.step();
                }
            }
            assertEquals(vscan.get("answer").asText(), pipeline.tokenizer().decode(out[0].tokens()));
            assertEquals(vscan.get("visual_tokens_after_stage1").asInt(), out[0].visualTokensAfterStage1());
        }
    }

    @Test
    void aBudgetIsReadAgainstTheUpperBoundAndTheEngineKeepsWhatItPlans() throws IOException, URISyntaxException {
        Path dir = fixture();
        byte[] image = Files.readAllBytes(dir.resolve("image.png"));
        try (RequestPreparer preparer = new RequestPreparer(dir, ImageLimits.defaults(), 8, 64);
                LlavaPipeline pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults())) {
            // 64 of the 320 tokens an image can have here: a fifth, so r1 = 20 per crop and r2 = 6 of every 64
            InferenceRequest request = new InferenceRequest("n2", List.of(), "what colour is the big circle ?",
                    options("vscan", null, null, null, 64));
            RequestPreparer.Prepared prepared = preparer.prepare(request, List.of(image));
            GenerationOutput[] out = new GenerationOutput[1];
            try (RunningBatch batch = pipeline.newRunningBatch()) {
                batch.admit(List.of(new RunningBatch.Admission(prepared.request(), o -> out[0] = o)));
                while (!batch.isEmpty()) {
                    batch.step();
                }
            }
            assertEquals(234, out[0].visualTokensInTotal());
            assertTrue(out[0].visualTokensAfterStage1() < 5 * 20 + 10 + 1, "at most 20 per crop and the newlines");
            assertEquals(Math.round(6 / 64.0 * 234), out[0].visualTokensAfterStage2());
        }
    }

    @Test
    void aBudgetAboveTheUpperBoundIsRefusedWithTheReason() throws IOException, URISyntaxException {
        Path dir = fixture();
        byte[] image = Files.readAllBytes(dir.resolve("image.png"));
        try (RequestPreparer preparer = new RequestPreparer(dir, ImageLimits.defaults(), 8, 64)) {
            InferenceRequest request = new InferenceRequest("n3", List.of(), "what colour ?",
                    options("vscan", null, null, null, 400));
            InvalidRequestException e = assertThrows(InvalidRequestException.class,
                    () -> preparer.prepare(request, List.of(image)));
            assertTrue(e.getMessage().contains("budget 400 exceeds the 320 visual tokens"), e.getMessage());
        }
    }
}
