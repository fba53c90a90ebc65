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
import dev.vscan.reduction.MiddleLayerPruner;
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
                c.fullAttentionBlocks().stream().mapToInt(Integer::intValue).toArray()), true, ScanMode.BOTH);
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
        assertRun(stage2, request(expected, List.of(first), ScoredTokenReducer.NONE,
                new MiddleLayerPruner(stage2.get("layer").asInt(), stage2.get("r2").asInt(), false)));
    }

    @Test
    void fullVscanGivesTheReferenceAnswer() {
        JsonNode vscan = expected.get("vscan");
        GenerationRequest request = request(expected, List.of(first), vscan(vscan.get("r1_ratio").asDouble()),
                new MiddleLayerPruner(vscan.get("layer").asInt(), vscan.get("r2").asInt(), false));
        assertRun(vscan, request);
        GenerationOutput out = generator.generate(List.of(request)).get(0);
        assertArrayEquals(java.util.Arrays.stream(ReferenceParityTest.longs(vscan.get("kept_after_stage1")))
                .mapToInt(i -> (int) i).toArray(), out.keptPatchIndices().get(0));
        assertEquals(vscan.get("r2").asInt(), out.visualTokensAfterStage2());
    }

    @Test
    void twoImagesPlainAndWithVscan() {
        JsonNode two = expected.get("two_images");
        assertRun(two, request(two, List.of(first, second), ScoredTokenReducer.NONE, SequencePruner.NONE));
        JsonNode vscan = two.get("vscan");
        assertRun(vscan, request(two, List.of(first, second), vscan(vscan.get("r1_ratio").asDouble()),
                new MiddleLayerPruner(vscan.get("layer").asInt(), vscan.get("r2").asInt(), false)));
    }
}
