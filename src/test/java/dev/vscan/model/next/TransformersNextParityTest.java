package dev.vscan.model.next;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.EngineOptions;
import dev.vscan.model.LlavaNextModel;
import dev.vscan.model.LlavaPipeline;
import dev.vscan.model.generation.GenerationOutput;
import dev.vscan.model.generation.GenerationRequest;
import dev.vscan.model.generation.Generator;
import dev.vscan.model.generation.SamplingParams;
import dev.vscan.model.image.AnyResImage;
import dev.vscan.model.image.AnyResLayout;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.model.image.ModelImage;
import dev.vscan.model.image.PixelValues;
import dev.vscan.model.weights.SafetensorsReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LLaVA-NeXT against Hugging Face transformers itself: a random LlavaNextForConditionalGeneration saved with
 * save_pretrained by {@code tools/parity/make_fixtures.py --family llava_next}, with what transformers'
 * LlavaNextImageProcessor, LlavaNextProcessor and model computed for a one-image prompt (250x160) and a
 * two-image prompt (160x250 and 97x301: unpad cuts rows, then columns, and the two images have 5 and 4 crops).
 * Loaded through {@link LlavaPipeline#load}, the engine must give the processor's pixel values, crop counts and
 * image-token counts, and, fed transformers' own pixel values, its packed image features and first logits
 * within 1e-4 (alone and with both prompts in one batch) and its greedy answers. Skipped when the fixture
 * directory src/test/resources/parity-next is absent.
 */
class TransformersNextParityTest {

    private static final String FIXTURE = "/parity-next/expected.json";
    private static final long IMAGE_TOKEN = 3;

    private static Path dir;
    private static JsonNode expected;
    private static LlavaPipeline pipeline;
    private static LlavaNextModel next;
    private static int cropSize;
    /** Per case, per image: transformers' pixel values as the engine's AnyRes crops. */
    private static final List<List<AnyResImage>> transformersPixels = new ArrayList<>();
    /** Per case, per image: the 8-bit RGB image transformers' processor was given. */
    private static final List<List<BufferedImage>> images = new ArrayList<>();
    private static final List<GenerationRequest> requests = new ArrayList<>();
    private static float[] packedReference;
    private static long[] packedShape;
    private static float[] cropReference;
    private static long[] cropShape;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        var resource = TransformersNextParityTest.class.getResource(FIXTURE);
        Assumptions.assumeTrue(resource != null, "no transformers LLaVA-NeXT fixtures in src/test/resources/parity-next:"
                + " run tools/parity/make_fixtures.py --family llava_next --out src/test/resources/parity-next");
        dir = Path.of(resource.toURI()).getParent();
        expected = new ObjectMapper().readTree(dir.resolve("expected.json").toFile());
        pipeline = LlavaPipeline.load(dir, EngineOptions.cpu(), ImageLimits.defaults());
        next = LlavaNextModel.load(dir, EngineOptions.cpu());
        cropSize = LlavaPipeline.imageSpec(dir).cropHeight();
        try (SafetensorsReader inputs = SafetensorsReader.open(dir.resolve(expected.get("inputs_file").asText()))) {
            for (JsonNode c : expected.get("cases")) {
                List<AnyResImage> pixels = transformersPixels(inputs, c);
                transformersPixels.add(pixels);
                List<BufferedImage> raw = new ArrayList<>();
                for (JsonNode image : c.get("images")) {
                    raw.add(rgbImage(inputs, image.get("key").asText()));
                }
                images.add(raw);
                requests.add(GenerationRequest.plain(longs(c.get("input_ids_unexpanded")), pixels,
                        SamplingParams.greedy(c.get("answer_ids").size())));
            }
            JsonNode first = expected.get("cases").get(0);
            packedReference = inputs.readFloat32(first.get("packed_features_key").asText());
            packedShape = inputs.info(first.get("packed_features_key").asText()).shape();
            cropReference = inputs.readFloat32(first.get("crop_features_key").asText());
            cropShape = inputs.info(first.get("crop_features_key").asText()).shape();
        }
    }

    @AfterAll
    static void close() {
        if (pipeline != null) {
            pipeline.close();
        }
        if (next != null) {
            next.close();
        }
    }

    /** The engine's layout of image {@code i} of case {@code c}, from the size transformers recorded. */
    private static AnyResLayout layout(JsonNode c, int i) {
        JsonNode size = c.get("image_sizes").get(i);
        return AnyResLayout.of(size.get(0).asInt(), size.get(1).asInt(), next.config().pinpoints(), cropSize);
    }

    /** pixel_values [images, most crops, 3, H, W]: each image's first layout.crops() crops (the rest is padding). */
    private static List<AnyResImage> transformersPixels(SafetensorsReader inputs, JsonNode c) {
        String key = c.get("pixel_values_key").asText();
        long[] shape = inputs.info(key).shape();
        assertEquals(5, shape.length, key + " shape " + Arrays.toString(shape));
        int mostCrops = (int) shape[1];
        int channels = (int) shape[2];
        int height = (int) shape[3];
        int width = (int) shape[4];
        float[] all = inputs.readFloat32(key);
        int cropValues = channels * height * width;
        List<AnyResImage> out = new ArrayList<>();
        for (int i = 0; i < shape[0]; i++) {
            AnyResLayout layout = layout(c, i);
            assertTrue(layout.crops() <= mostCrops, "case " + c.get("name").asText() + " image " + i + ": the engine"
                    + " plans " + layout.crops() + " crops, transformers' pixel_values hold " + mostCrops);
            List<PixelValues> crops = new ArrayList<>();
            for (int k = 0; k < layout.crops(); k++) {
                float[] one = new float[cropValues];
                System.arraycopy(all, (i * mostCrops + k) * cropValues, one, 0, cropValues);
                crops.add(new PixelValues(channels, height, width, one));
            }
            out.add(new AnyResImage(layout, crops));
        }
        return out;
    }

    /** A [H, W, 3] U8 tensor as an RGB image. */
    private static BufferedImage rgbImage(SafetensorsReader inputs, String key) {
        long[] shape = inputs.info(key).shape();
        assertArrayEquals(new long[] {shape[0], shape[1], 3}, shape, key);
        int height = (int) shape[0];
        int width = (int) shape[1];
        long[] hwc = inputs.readInt64(key);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * 3;
                image.setRGB(x, y, (int) (hwc[p] << 16 | hwc[p + 1] << 8 | hwc[p + 2]));
            }
        }
        return image;
    }

    @Test
    void theCheckpointTransformersSavedLoadsAsLlavaNext() {
        assertTrue(pipeline.anyRes());
        JsonNode names = expected.get("weight_names");
        // LLaVA-1.5's 89 tensors of the same sizes (see TransformersParityTest) plus image_newline.
        assertEquals(90, names.size());
        boolean newline = false;
        for (JsonNode name : names) {
            newline |= name.asText().endsWith("image_newline");
        }
        assertTrue(newline, "no image_newline among " + names);
        JsonNode pinpoints = expected.get("image_grid_pinpoints");
        assertEquals(pinpoints.size(), next.config().pinpoints().size());
        for (int p = 0; p < pinpoints.size(); p++) {
            assertArrayEquals(new int[] {pinpoints.get(p).get(0).asInt(), pinpoints.get(p).get(1).asInt()},
                    next.config().pinpoints().get(p), "pinpoint " + p);
        }
    }

    @Test
    void theTokenizerGivesTheUnexpandedPromptIds() {
        for (JsonNode c : expected.get("cases")) {
            assertArrayEquals(longs(c.get("input_ids_unexpanded")), pipeline.tokenizer().encode(c.get("prompt").asText()),
                    "case " + c.get("name").asText());
        }
    }

    @Test
    void layoutsCropCountsAndImageTokensAreTheProcessors() {
        int perSide = next.patchesPerSide();
        int baseTokens = perSide * perSide; // + [CLS] - 1 for the "default" feature strategy
        for (JsonNode c : expected.get("cases")) {
            String name = c.get("name").asText();
            List<Integer> counts = new ArrayList<>();
            for (int i = 0; i < c.get("num_images").asInt(); i++) {
                AnyResLayout layout = layout(c, i);
                JsonNode reference = c.get("layouts").get(i);
                String where = "case " + name + " image " + i;
                assertArrayEquals(ints(reference.get("best_resolution")),
                        new int[] {layout.bestHeight(), layout.bestWidth()}, where + " best resolution");
                assertArrayEquals(ints(reference.get("resized_size")),
                        new int[] {layout.resizedHeight(), layout.resizedWidth()}, where + " resized size");
                assertArrayEquals(ints(reference.get("padding_top_bottom_left_right")),
                        new int[] {layout.padTop(), layout.padBottom(), layout.padLeft(), layout.padRight()},
                        where + " padding");
                assertArrayEquals(ints(reference.get("unpadded_grid")), layout.unpaddedGrid(perSide), where + " unpad");
                assertEquals(c.get("num_crops").get(i).asInt(), layout.crops(), where + " crops");
                int tokens = layout.imageTokens(perSide, baseTokens);
                assertEquals(c.get("num_image_tokens").get(i).asInt(), tokens, where + " image tokens");
                counts.add(tokens);
            }
            // Each <image> expanded to the engine's count gives the processor's ids.
            List<Long> expanded = new ArrayList<>();
            int image = 0;
            for (long id : longs(c.get("input_ids_unexpanded"))) {
                int copies = id == IMAGE_TOKEN ? counts.get(image++) : 1;
                for (int k = 0; k < copies; k++) {
                    expanded.add(id);
                }
            }
            assertArrayEquals(longs(c.get("input_ids")), expanded.stream().mapToLong(Long::longValue).toArray(),
                    "case " + name + " expanded ids");
        }
    }

    @Test
    void theEnginesPreprocessingGivesTheProcessorsPixelValues() {
        for (int c = 0; c < images.size(); c++) {
            for (int i = 0; i < images.get(c).size(); i++) {
                String where = "case " + expected.get("cases").get(c).get("name").asText() + " image " + i;
                ModelImage prepared = pipeline.images().prepare(images.get(c).get(i));
                assertTrue(prepared instanceof AnyResImage, where + ": " + prepared.getClass());
                AnyResImage mine = (AnyResImage) prepared;
                AnyResImage theirs = transformersPixels.get(c).get(i);
                assertEquals(theirs.crops().size(), mine.crops().size(), where + " crops");
                for (int k = 0; k < mine.crops().size(); k++) {
                    assertArrayEquals(theirs.crops().get(k).shape(), mine.crops().get(k).shape(), where + " crop " + k);
                    assertEquals(0, maxDifference(mine.crops().get(k).data(), theirs.crops().get(k).data()), 1e-6,
                            where + " crop " + k + " (0 = base)");
                }
            }
        }
    }

    @Test
    void packedAndCropFeaturesMatchFedTheProcessorsPixels() {
        AnyResImage image = transformersPixels.get(0).get(0);
        try (NDManager manager = next.llava().manager().newSubManager()) {
            NDArray crops = next.cropFeatures(manager, image.crops());
            assertArrayEquals(cropShape, crops.getShape().getShape(), "layer -2 features of every crop");
            assertEquals(0, maxDifference(crops.toFloatArray(), cropReference), 1e-4, "layer -2 crop features");
            NDArray packed = next.packedFeatures(manager, image);
            assertArrayEquals(packedShape, packed.getShape().getShape(), "packed image features");
            assertEquals(expected.get("cases").get(0).get("num_image_tokens").get(0).asLong(), packed.getShape().get(0));
            assertEquals(0, maxDifference(packed.toFloatArray(), packedReference), 1e-4, "packed image features");
        }
    }

    @Test
    void firstLogitsMatchAloneAndBatched() {
        Generator generator = pipeline.generator();
        float[][] batched = generator.promptLogits(requests);
        for (int i = 0; i < requests.size(); i++) {
            JsonNode reference = expected.get("cases").get(i).get("first_logits");
            float[] alone = generator.promptLogits(List.of(requests.get(i)))[0];
            assertEquals(0, maxDifference(alone, reference), 1e-4, "case " + i + " alone");
            assertEquals(0, maxDifference(batched[i], reference), 1e-4, "case " + i + " batched");
        }
    }

    @Test
    void greedyAnswersMatchBatchedWithEveryImageTokenInThePrompt() {
        List<GenerationOutput> outputs = pipeline.generator().generate(requests);
        for (int i = 0; i < requests.size(); i++) {
            JsonNode c = expected.get("cases").get(i);
            assertArrayEquals(longs(c.get("answer_ids")), outputs.get(i).tokens(), "case " + i);
            int tokens = 0;
            for (JsonNode n : c.get("num_image_tokens")) {
                tokens += n.asInt();
            }
            assertEquals(tokens, outputs.get(i).visualTokensInTotal(), "case " + i + " image tokens");
        }
    }

    @Test
    void theEnginesOwnPreprocessingGivesTransformersAnswers() {
        List<GenerationRequest> own = new ArrayList<>();
        for (int c = 0; c < images.size(); c++) {
            List<ModelImage> prepared = new ArrayList<>();
            for (BufferedImage image : images.get(c)) {
                prepared.add(pipeline.images().prepare(image));
            }
            own.add(GenerationRequest.plain(requests.get(c).promptIds(), prepared, requests.get(c).sampling()));
        }
        List<GenerationOutput> outputs = pipeline.generator().generate(own);
        for (int i = 0; i < own.size(); i++) {
            assertArrayEquals(longs(expected.get("cases").get(i).get("answer_ids")), outputs.get(i).tokens(), "case " + i);
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

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }
}
