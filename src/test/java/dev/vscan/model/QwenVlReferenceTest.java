package dev.vscan.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.config.QwenConfigReader;
import dev.vscan.model.extension.ScoredTokenReducer;
import dev.vscan.model.extension.SequencePruner;
import dev.vscan.model.generation.DecoderSide;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.Generator;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.generation.VisualEncoder;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.QwenImage;
import dev.vscan.model.qwen.QwenImagePreprocessor;
import dev.vscan.model.weights.CheckpointConverter;
import dev.vscan.model.weights.CheckpointLayout;
import dev.vscan.reduction.MiddleLayerPruner;
import dev.vscan.reduction.RecordingPruner;
import dev.vscan.reduction.QwenScanSettings;
import dev.vscan.reduction.QwenVScanReducer;
import dev.vscan.reduction.ScanMode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen2.5-VL end to end against the qwen2_5_vl-reference fixture (an independent float64
 * implementation of transformers' Qwen2_5_VLForConditionalGeneration): first logits and greedy answers
 * plain, with VScan's stage 2 alone, with full VScan, and with two images in one prompt.
 */
class QwenVlReferenceTest {

    private static Path dir;
    private static JsonNode expected;
    private static QwenVlModel model;
    private static Generator generator;
    private static QwenImage first;
    private static QwenImage second;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        dir = Path.of(QwenVlReferenceTest.class.getResource("/qwen2_5_vl-reference/config.json").toURI()).getParent();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        model = QwenVlModel.load(dir, EngineOptions.cpu());
        generator = new Generator(DecoderSide.of(model), VisualEncoder.qwen(model));
        QwenImagePreprocessor images = new QwenImagePreprocessor(QwenConfigReader.preprocessor(dir),
                ImageLimits.defaults());
        first = images.preprocess(Files.readAllBytes(dir.resolve("image.png")));
        second = images.preprocess(Files.readAllBytes(dir.resolve("image2.png")));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationRequest request(JsonNode prompt, List<QwenImage> images, ScoredTokenReducer reducer,
            SequencePruner pruner) {
        return GenerationRequest.scored(ReferenceParityTest.longs(prompt.get("input_ids_unexpanded")), images,
                SamplingParams.greedy(8), reducer, pruner);
    }

    private static QwenVScanReducer vscan(double r1Ratio) {
        var c = model.visionConfig();
        return new QwenVScanReducer(r1Ratio, QwenScanSettings.reference(c.depth(),
                c.fullAttentionBlockArray()), true, ScanMode.BOTH);
    }

    private static void assertRun(JsonNode reference, GenerationRequest request) {
        GenerationOutput out = generator.generate(List.of(request)).get(0);
        assertArrayEquals(ReferenceParityTest.longs(reference.get("answer_ids")), out.tokens());
        float[] logits = generator.promptLogits(List.of(request))[0];
        JsonNode want = reference.get("first_logits");
        assertEquals(want.size(), logits.length);
        for (int i = 0; i < logits.length; i++) {
            assertEquals(want.get(i).asDouble(), logits[i], 1e-3, "first logit " + i);
        }
    }

    @Test
    void onePlainImageGivesTheReferenceLogitsAndAnswer() {
        assertRun(expected, request(expected, List.of(first), ScoredTokenReducer.NONE, SequencePruner.NONE));
    }

    @Test
    void stageTwoAloneKeepsTheReferenceTokensWithTheirIds() {
        JsonNode stage2 = expected.get("vscan_stage2_only");
        RecordingPruner pruner = new RecordingPruner(
                new MiddleLayerPruner(stage2.get("layer").asInt(), stage2.get("r2").asInt(), false));
        assertRun(stage2, request(expected, List.of(first), ScoredTokenReducer.NONE, pruner));
        assertArrayEquals(ints(stage2.get("kept_visual_indices")), withinImages(pruner.calls().get(0)));
    }

    /** The kept tokens as indices among the visual tokens present at the cut. */
    private static int[] withinImages(RecordingPruner.Call call) {
        int[] visual = call.visualTokens();
        return java.util.Arrays.stream(call.decision().keptVisualTokens())
                .map(t -> java.util.Arrays.binarySearch(visual, t)).toArray();
    }

    private static int[] ints(JsonNode array) {
        return java.util.Arrays.stream(ReferenceParityTest.longs(array)).mapToInt(v -> (int) v).toArray();
    }

    @Test
    void theTransformersLayoutShardedGivesTheSameAnswer(@TempDir Path tmp) {
        Path converted = tmp.resolve("t5");
        CheckpointConverter.convertLayout(dir, converted, CheckpointLayout.TRANSFORMERS_V5, 3);
        try (QwenVlModel t5 = QwenVlModel.load(converted, EngineOptions.cpu())) {
            Generator other = new Generator(DecoderSide.of(t5), VisualEncoder.qwen(t5));
            assertArrayEquals(ReferenceParityTest.longs(expected.get("answer_ids")), other.generate(List.of(
                    request(expected, List.of(first), ScoredTokenReducer.NONE, SequencePruner.NONE))).get(0).tokens());
        }
    }

    @Test
    void fullVscanGivesTheReferenceAnswer() {
        JsonNode vscan = expected.get("vscan");
        RecordingPruner pruner = new RecordingPruner(
                new MiddleLayerPruner(vscan.get("layer").asInt(), vscan.get("r2").asInt(), false));
        GenerationRequest request = request(expected, List.of(first), vscan(vscan.get("r1_ratio").asDouble()), pruner);
        assertRun(vscan, request);
        assertArrayEquals(ints(vscan.get("kept_after_stage2_within_stage1")), withinImages(pruner.calls().get(0)));
        GenerationOutput out = generator.generate(List.of(request)).get(0);
        assertArrayEquals(java.util.Arrays.stream(ReferenceParityTest.longs(vscan.get("kept_after_stage1")))
                .mapToInt(i -> (int) i).toArray(), out.keptPatchIndices().get(0));
        assertEquals(vscan.get("r2").asInt(), out.visualTokensAfterStage2());
        // the picture of the reduction: the same tokens stage 2 kept, as raster indices of the image
        assertArrayEquals(java.util.Arrays.stream(ints(vscan.get("kept_after_stage2"))).sorted().toArray(),
                out.reductionTraces().get(0).reachedLastLayer());
    }

    @Test
    void twoImagesPlainAndWithVscan() {
        JsonNode two = expected.get("two_images");
        assertRun(two, request(two, List.of(first, second), ScoredTokenReducer.NONE, SequencePruner.NONE));
        JsonNode vscan = two.get("vscan");
        RecordingPruner pruner = new RecordingPruner(
                new MiddleLayerPruner(vscan.get("layer").asInt(), vscan.get("r2").asInt(), false));
        GenerationRequest reduced = request(two, List.of(first, second), vscan(vscan.get("r1_ratio").asDouble()), pruner);
        assertRun(vscan, reduced);
        assertArrayEquals(ints(vscan.get("kept_after_stage2_within_stage1")), withinImages(pruner.calls().get(0)));
        // stage 2 ranks both images together; each image's picture shows its own survivors
        GenerationOutput out = generator.generate(List.of(reduced)).get(0);
        for (int image = 0; image < 2; image++) {
            int which = image;
            int[] expectedSurvivors = java.util.stream.StreamSupport.stream(vscan.get("kept_after_stage2").spliterator(), false)
                    .filter(pair -> pair.get(0).asInt() == which).mapToInt(pair -> pair.get(1).asInt()).sorted().toArray();
            assertArrayEquals(expectedSurvivors, out.reductionTraces().get(image).reachedLastLayer(), "image " + image);
        }
    }
}
