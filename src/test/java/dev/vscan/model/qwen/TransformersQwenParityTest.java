package dev.vscan.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.QwenVlModel;
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
import dev.vscan.model.weights.SafetensorsReader;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Qwen2.5-VL against Hugging Face transformers itself: a random Qwen2_5_VLForConditionalGeneration saved with
 * save_pretrained by {@code tools/parity/make_fixtures.py --family qwen2_5_vl}, with what transformers'
 * Qwen2VLImageProcessor, Qwen2_5_VLProcessor, get_rope_index and model computed for a one-image prompt and a
 * two-image prompt (one image clamped by max_pixels, one raised by min_pixels). The engine must give the
 * processor's grids and pixel values from the PNG files, the processor's expansion of each
 * {@code <|image_pad|>}, get_rope_index's position ids and, fed transformers' pixel values, the merged image
 * features of the first case, the first logits (alone and batched) and the greedy answers. Skipped when
 * src/test/resources/parity-qwen is absent.
 */
class TransformersQwenParityTest {

    private static final String FIXTURE = "/parity-qwen/expected.json";
    /** Float32 engine against transformers' float64 run (which keeps norms and RoPE tables in float32). */
    private static final double LOGIT_TOLERANCE = 1e-3;
    /** Relative to the largest feature magnitude (at least 1). */
    private static final double FEATURE_TOLERANCE = 1e-4;
    private static final double PIXEL_TOLERANCE = 1e-5;

    private static Path dir;
    private static JsonNode expected;
    private static long imagePad;
    private static QwenVlModel model;
    private static Generator generator;
    private static QwenImagePreprocessor preprocessor;
    /** Per case: transformers' pixel values, one image each. */
    private static final List<List<QwenImage>> transformersImages = new ArrayList<>();
    /** Per case: the engine's own preprocessing of the PNG files. */
    private static final List<List<QwenImage>> engineImages = new ArrayList<>();
    /** Per case: transformers' pixel_values [patches, 1176] for all its images. */
    private static final List<float[]> transformersPixels = new ArrayList<>();
    private static float[] featuresReference;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        var resource = TransformersQwenParityTest.class.getResource(FIXTURE);
        Assumptions.assumeTrue(resource != null, "no transformers Qwen2.5-VL fixtures in src/test/resources/parity-qwen:"
                + " run tools/parity/make_fixtures.py --family qwen2_5_vl --out src/test/resources/parity-qwen");
        dir = Path.of(resource.toURI()).getParent();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        imagePad = expected.get("image_token_id").asLong();
        model = QwenVlModel.load(dir, EngineOptions.cpu());
        generator = new Generator(DecoderSide.of(model), VisualEncoder.qwen(model));
        preprocessor = new QwenImagePreprocessor(QwenConfigReader.preprocessor(dir), ImageLimits.defaults());
        int merge = model.visionConfig().spatialMergeSize();
        try (SafetensorsReader inputs = SafetensorsReader.open(dir.resolve(expected.get("inputs_file").asText()))) {
            for (JsonNode c : expected.get("cases")) {
                float[] all = inputs.readFloat32(c.get("pixel_values_key").asText());
                long[] shape = inputs.info(c.get("pixel_values_key").asText()).shape();
                assertEquals(2, shape.length, "pixel_values shape " + Arrays.toString(shape));
                int row = (int) shape[1];
                transformersPixels.add(all);
                List<QwenImage> fromTransformers = new ArrayList<>();
                List<QwenImage> fromEngine = new ArrayList<>();
                int offset = 0;
                for (JsonNode grid : c.get("image_grid_thw")) {
                    int t = grid.get(0).asInt();
                    int h = grid.get(1).asInt();
                    int w = grid.get(2).asInt();
                    int values = t * h * w * row;
                    fromTransformers.add(new QwenImage(t, h, w, merge, row,
                            Arrays.copyOfRange(all, offset, offset + values)));
                    offset += values;
                }
                assertEquals(all.length, offset, "case " + name(c) + ": image_grid_thw does not cover pixel_values");
                for (JsonNode image : c.get("images")) {
                    fromEngine.add(preprocessor.preprocess(Files.readAllBytes(dir.resolve(image.get("file").asText()))));
                }
                transformersImages.add(fromTransformers);
                engineImages.add(fromEngine);
            }
            JsonNode first = expected.get("cases").get(0);
            featuresReference = inputs.readFloat32(first.get("image_features_key").asText());
        }
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    private static String name(JsonNode c) {
        return c.get("name").asText();
    }

    /** The processor's ids with each run of {@code <|image_pad|>} collapsed to one (the engine expands it). */
    private static long[] collapsed(JsonNode ids) {
        List<Long> out = new ArrayList<>();
        long previous = -1;
        for (JsonNode node : ids) {
            long id = node.asLong();
            if (id != imagePad || previous != imagePad) {
                out.add(id);
            }
            previous = id;
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static GenerationRequest request(int index, List<QwenImage> images) {
        JsonNode c = expected.get("cases").get(index);
        return GenerationRequest.scored(collapsed(c.get("input_ids")), images, SamplingParams.greedy(8),
                ScoredTokenReducer.NONE, SequencePruner.NONE);
    }

    private static List<GenerationRequest> requests(List<List<QwenImage>> images) {
        List<GenerationRequest> out = new ArrayList<>();
        for (int i = 0; i < expected.get("cases").size(); i++) {
            out.add(request(i, images.get(i)));
        }
        return out;
    }

    @Test
    void collapsedProcessorIdsAreTheTemplatePromptAndExpandByTheEngineTokenCounts() {
        for (int i = 0; i < expected.get("cases").size(); i++) {
            JsonNode c = expected.get("cases").get(i);
            long[] prompt = collapsed(c.get("input_ids"));
            assertArrayEquals(longs(c.get("input_ids_unexpanded")), prompt, "case " + name(c));
            List<Long> expanded = new ArrayList<>();
            int image = 0;
            for (long id : prompt) {
                int copies = id == imagePad ? transformersImages.get(i).get(image++).tokens() : 1;
                for (int k = 0; k < copies; k++) {
                    expanded.add(id);
                }
            }
            assertArrayEquals(longs(c.get("input_ids")), expanded.stream().mapToLong(Long::longValue).toArray(),
                    "case " + name(c) + ": the engine's image-token counts do not give the processor's expansion");
        }
    }

    @Test
    void ownPreprocessingGivesTheProcessorsGridsAndPixelValues() {
        for (int i = 0; i < expected.get("cases").size(); i++) {
            JsonNode c = expected.get("cases").get(i);
            List<QwenImage> mine = engineImages.get(i);
            List<QwenImage> theirs = transformersImages.get(i);
            assertEquals(theirs.size(), mine.size());
            for (int k = 0; k < mine.size(); k++) {
                assertArrayEquals(theirs.get(k).gridThw(), mine.get(k).gridThw(),
                        "case " + name(c) + " image " + k + " grid");
                double worst = maxDifference(mine.get(k).pixelValues(), theirs.get(k).pixelValues());
                assertTrue(worst <= PIXEL_TOLERANCE, "case " + name(c) + " image " + k + ": pixel values differ by "
                        + worst);
            }
        }
    }

    @Test
    void positionsAreThoseOfGetRopeIndex() {
        for (int i = 0; i < expected.get("cases").size(); i++) {
            JsonNode c = expected.get("cases").get(i);
            List<int[]> grids = transformersImages.get(i).stream()
                    .map(image -> new int[] {image.mergedHeight(), image.mergedWidth()}).toList();
            long[][] streams = MRopePositions.forPrompt(collapsed(c.get("input_ids")), imagePad, grids).streams();
            JsonNode want = c.get("position_ids");
            assertEquals(3, want.size());
            for (int s = 0; s < 3; s++) {
                assertArrayEquals(longs(want.get(s)), streams[s], "case " + name(c) + " stream " + s);
            }
            long max = Arrays.stream(streams).flatMapToLong(Arrays::stream).max().orElseThrow();
            assertEquals(c.get("rope_delta").asLong(), max + 1 - c.get("input_ids").size(), "case " + name(c));
        }
    }

    @Test
    void mergedImageFeaturesOfTheFirstCase() {
        try (NDManager scope = model.manager().newSubManager()) {
            List<QwenImageFeatures> features = model.vision().forward(scope, transformersImages.get(0), Set.of());
            float[] mine = features.get(0).features().toFloatArray();
            double worst = maxDifference(mine, featuresReference);
            double scale = 1;
            for (float v : featuresReference) {
                scale = Math.max(scale, Math.abs(v));
            }
            assertTrue(worst <= FEATURE_TOLERANCE * scale, "image features differ from transformers' by " + worst
                    + " (largest |value| " + scale + ")");
        }
    }

    @Test
    void firstLogitsAloneAndBatched() {
        List<GenerationRequest> all = requests(transformersImages);
        float[][] batched = generator.promptLogits(all);
        for (int i = 0; i < all.size(); i++) {
            JsonNode c = expected.get("cases").get(i);
            float[] alone = generator.promptLogits(List.of(all.get(i)))[0];
            double worstAlone = maxDifference(alone, c.get("first_logits"));
            double worstBatched = maxDifference(batched[i], c.get("first_logits"));
            assertTrue(worstAlone <= LOGIT_TOLERANCE, "case " + name(c) + ": first logits differ by " + worstAlone);
            assertTrue(worstBatched <= LOGIT_TOLERANCE, "case " + name(c) + " batched: first logits differ by "
                    + worstBatched);
        }
    }

    @Test
    void greedyAnswersFromTransformersPixels() {
        List<GenerationOutput> outputs = generator.generate(requests(transformersImages));
        for (int i = 0; i < outputs.size(); i++) {
            assertArrayEquals(longs(expected.get("cases").get(i).get("answer_ids")), outputs.get(i).tokens(),
                    "case " + i);
        }
    }

    @Test
    void greedyAnswersFromOwnPreprocessing() {
        for (int i = 0; i < expected.get("cases").size(); i++) {
            GenerationOutput out = generator.generate(List.of(request(i, engineImages.get(i)))).get(0);
            assertArrayEquals(longs(expected.get("cases").get(i).get("answer_ids")), out.tokens(), "case " + i);
        }
    }

    private static double maxDifference(float[] actual, float[] reference) {
        assertEquals(reference.length, actual.length, "value count");
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs((double) actual[i] - reference[i]));
        }
        return worst;
    }

    private static double maxDifference(float[] actual, JsonNode reference) {
        assertEquals(reference.size(), actual.length, "value count");
        double worst = 0;
        for (int i = 0; i < actual.length; i++) {
            worst = Math.max(worst, Math.abs(actual[i] - reference.get(i).asDouble()));
        }
        return worst;
    }

    private static long[] longs(JsonNode array) {
        long[] out = new long[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asLong();
        }
        return out;
    }
}
