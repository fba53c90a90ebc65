package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.QwenPipeline;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.RunningBatch;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.QwenImage;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InvalidRequestException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A Qwen2.5-VL checkpoint behind the service's request preparation and a worker's served model. */
class QwenServingTest {

    private static Path fixture() throws URISyntaxException {
        return Path.of(QwenServingTest.class.getResource("/qwen2_5_vl-reference/config.json").toURI()).getParent();
    }

    private static InferenceRequest.RequestOptions options(String reduction, Integer r1, Integer r2, Integer layer) {
        return new InferenceRequest.RequestOptions(8, null, null, null, reduction, null, r1, r2, layer, null, null,
                null, null);
    }

    @Test
    void preparedRequestsAreAnsweredAsTheReferencePlainAndWithVscan() throws IOException, URISyntaxException {
        Path dir = fixture();
        JsonNode expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        byte[] image = Files.readAllBytes(dir.resolve("image.png"));
        JsonNode vscan = expected.get("vscan");
        try (RequestPreparer preparer = new RequestPreparer(dir, ImageLimits.defaults(), 8, 64);
                ServedModel model = new QwenServedModel(QwenPipeline.load(dir, EngineOptions.cpu(),
                        ImageLimits.defaults()))) {
            RequestPreparer.Prepared plain = preparer.prepare(new InferenceRequest("q1", List.of(),
                    expected.get("question").asText(), options(null, null, null, null)), List.of(image));
            assertInstanceOf(QwenImage.class, plain.request().images().get(0));
            assertEquals(72, plain.visualTokens());
            RequestPreparer.Prepared reduced = preparer.prepare(new InferenceRequest("q2", List.of(),
                    expected.get("question").asText(), options("vscan", vscan.get("r1").asInt(),
                            vscan.get("r2").asInt(), vscan.get("layer").asInt())), List.of(image));
            GenerationOutput[] out = new GenerationOutput[2];
            try (RunningBatch batch = model.newRunningBatch()) {
                batch.admit(List.of(new RunningBatch.Admission(plain.request(), o -> out[0] = o),
                        new RunningBatch.Admission(reduced.request(), o -> out[1] = o)));
                while (!batch.isEmpty()) {
                    batch.step();
                }
            }
            assertEquals(expected.get("answer").asText(), model.decode(out[0].tokens()));
            assertEquals(vscan.get("answer").asText(), model.decode(out[1].tokens()));
            EfficiencyReport report = model.report(reduced.request(), out[1]);
            assertEquals(72, report.visualTokensIn());
            assertEquals(36, report.visualTokensAfterStage1());
            assertEquals(11, report.visualTokensAfterStage2());
            assertTrue(report.visionFlops() > 0 && report.flopsRatio() < 1, report.toJson().toString());
            // blocks 0 and 2 attend within 2x2-token windows, blocks 1 and 3 over the whole image
            assertTrue(report.visionFlopsWindowed() > 0 && report.visionFlopsWindowed() < report.visionFlops() / 2,
                    report.toJson().toString());
        }
    }

    @Test
    void theAuthorsRatiosSizeBothStagesForTwoImages() throws IOException, URISyntaxException {
        Path dir = fixture();
        JsonNode two = new ObjectMapper().readTree(dir.resolve("expected.json").toFile()).get("two_images");
        List<byte[]> images = List.of(Files.readAllBytes(dir.resolve("image.png")),
                Files.readAllBytes(dir.resolve("image2.png")));
        JsonNode vscan = two.get("vscan");
        InferenceRequest.RequestOptions ratios = new InferenceRequest.RequestOptions(8, null, null, null, "vscan",
                null, null, null, vscan.get("layer").asInt(), null, vscan.get("r1_ratio").asDouble(),
                vscan.get("r2_ratio").asDouble(), null);
        try (RequestPreparer preparer = new RequestPreparer(dir, ImageLimits.defaults(), 8, 64);
                ServedModel model = new QwenServedModel(QwenPipeline.load(dir, EngineOptions.cpu(),
                        ImageLimits.defaults()))) {
            RequestPreparer.Prepared prepared = preparer.prepare(new InferenceRequest("q4", List.of(),
                    two.get("question").asText(), ratios), images);
            GenerationOutput[] out = new GenerationOutput[1];
            try (RunningBatch batch = model.newRunningBatch()) {
                batch.admit(List.of(new RunningBatch.Admission(prepared.request(), o -> out[0] = o)));
                while (!batch.isEmpty()) {
                    batch.step();
                }
            }
            assertEquals(vscan.get("answer").asText(), model.decode(out[0].tokens()));
            assertEquals(vscan.get("r2").asInt(), out[0].visualTokensAfterStage2());
        }
    }

    @Test
    void visionzipIsRefusedWithTheReason() throws IOException, URISyntaxException {
        Path dir = fixture();
        byte[] image = Files.readAllBytes(dir.resolve("image.png"));
        try (RequestPreparer preparer = new RequestPreparer(dir, ImageLimits.defaults(), 8, 64)) {
            InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> preparer.prepare(
                    new InferenceRequest("q3", List.of(), "what ?", new InferenceRequest.RequestOptions(8, null, null,
                            null, "visionzip", 20, null, null, null, null, null, null, null)), List.of(image)));
            assertTrue(e.getMessage().contains("[CLS]"), e.getMessage());
        }
    }
}
