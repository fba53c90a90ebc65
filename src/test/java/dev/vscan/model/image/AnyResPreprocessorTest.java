package dev.vscan.model.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * LLaVA-NeXT's AnyRes preprocessing against the llava-next-reference fixture: what an independent
 * float64 implementation of Hugging Face's LlavaNextImageProcessor gives for a 250x160 image.
 */
class AnyResPreprocessorTest {

    private static final int PATCH = 14;

    private static Path dir;
    private static JsonNode expected;
    private static JsonNode preprocessor;
    private static List<int[]> pinpoints;

    @BeforeAll
    static void load() throws IOException, URISyntaxException {
        dir = Path.of(AnyResPreprocessorTest.class.getResource("/llava-next-reference/expected.json").toURI()).getParent();
        ObjectMapper json = new ObjectMapper();
        expected = json.readTree(dir.resolve("expected.json").toFile());
        preprocessor = json.readTree(dir.resolve("preprocessor_config.json").toFile());
        pinpoints = new ArrayList<>();
        for (JsonNode p : preprocessor.get("image_grid_pinpoints")) {
            pinpoints.add(new int[] {p.get(0).asInt(), p.get(1).asInt()});
        }
    }

    private static int cropSize() {
        return preprocessor.get("crop_size").get("height").asInt();
    }

    private static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    @Test
    void theLayoutOfTheFixtureImage() {
        int[] size = ints(expected.get("image_size"));
        AnyResLayout layout = AnyResLayout.of(size[0], size[1], pinpoints, cropSize());
        assertArrayEquals(ints(expected.get("best_resolution")), new int[] {layout.bestHeight(), layout.bestWidth()});
        assertArrayEquals(ints(expected.get("grid")), new int[] {layout.gridRows(), layout.gridColumns()});
        assertArrayEquals(ints(expected.get("resized_size")), new int[] {layout.resizedHeight(), layout.resizedWidth()});
        assertArrayEquals(ints(expected.get("padding_top_bottom_left_right")),
                new int[] {layout.padTop(), layout.padBottom(), layout.padLeft(), layout.padRight()});
        assertEquals(expected.get("num_crops").asInt(), layout.crops());
    }

    @Test
    void imageTokenCountsEqualTheProcessors() {
        int perSide = cropSize() / PATCH;
        int base = perSide * perSide; // + [CLS] - 1 for the "default" feature strategy
        int[] size = ints(expected.get("image_size"));
        assertEquals(expected.get("num_image_tokens").asInt(),
                AnyResLayout.of(size[0], size[1], pinpoints, cropSize()).imageTokens(perSide, base));
        var checks = expected.get("feature_count_checks").fields();
        int n = 0;
        while (checks.hasNext()) {
            Map.Entry<String, JsonNode> check = checks.next();
            String[] wh = check.getKey().split("x");
            int width = Integer.parseInt(wh[0]);
            int height = Integer.parseInt(wh[1]);
            assertEquals(check.getValue().asInt(),
                    AnyResLayout.of(height, width, pinpoints, cropSize()).imageTokens(perSide, base), check.getKey());
            n++;
        }
        assertEquals(4, n);
    }

    @Test
    void theUnpaddedGridCutsRowsOfAWideImageAndColumnsOfATallOne() {
        AnyResLayout wide = AnyResLayout.of(160, 250, pinpoints, cropSize());
        assertArrayEquals(new int[] {3, 10, 0, 16}, wide.unpaddedGrid(8), "rows 3..12 of 16 stay");
        AnyResLayout tall = AnyResLayout.of(250, 160, pinpoints, cropSize());
        int[] grid = tall.unpaddedGrid(8);
        assertEquals(0, grid[0]);
        assertEquals(tall.gridRows() * 8, grid[1]);
        assertTrue(grid[3] < tall.gridColumns() * 8, "columns are cut: " + grid[3]);
    }

    @Test
    void cropsArePixelForPixelTheProcessors() throws IOException {
        ImageProcessingSpec spec = new ImageProcessingSpec(preprocessor.get("size").get("shortest_edge").asInt(),
                cropSize(), preprocessor.get("crop_size").get("width").asInt(), true, true, true,
                preprocessor.get("rescale_factor").asDouble(), true, floats(preprocessor.get("image_mean")),
                floats(preprocessor.get("image_std")), true);
        AnyResImage image = new AnyResPreprocessor(spec, pinpoints, ImageLimits.defaults())
                .preprocess(Files.readAllBytes(dir.resolve("image.png")));
        JsonNode debug = expected.get("debug");
        JsonNode sums = debug.get("pixel_values_sum_per_crop");
        assertEquals(sums.size(), image.crops().size());
        for (int c = 0; c < sums.size(); c++) {
            double sum = 0;
            for (float v : image.crops().get(c).data()) {
                sum += v;
            }
            assertEquals(sums.get(c).asDouble(), sum, 1e-6, "pixel sum of crop " + c);
        }
        assertArrayEquals(doubles(debug.get("pixel_values_base_channel0_row0_first8")), first8(image.base()));
        assertArrayEquals(doubles(debug.get("pixel_values_crop1_channel0_row0_first8")), first8(image.tile(0, 0)));
    }

    private static double[] first8(PixelValues crop) {
        double[] out = new double[8];
        for (int i = 0; i < 8; i++) {
            out[i] = crop.data()[i];
        }
        return out;
    }

    private static double[] doubles(JsonNode array) {
        double[] out = new double[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asDouble();
        }
        return out;
    }

    private static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
