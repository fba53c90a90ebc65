package dev.vscan.reduction;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.TreeMap;

/**
 * The stage-1 answers of the tiny Qwen2.5-VL reference (src/test/resources/qwen2_5_vl-reference, a copy of
 * the fixture's expected.json): image 1 has 9x8 merged tokens, image 2 of the two-image prompt 8x9.
 */
final class QwenScanFixture {

    static final int[] IMAGE1_GRID = {9, 8};
    static final int[] IMAGE2_GRID = {8, 9};

    private static JsonNode root;

    private QwenScanFixture() {}

    static synchronized JsonNode root() {
        if (root == null) {
            try (InputStream in = QwenScanFixture.class.getResourceAsStream("/qwen2_5_vl-reference/expected.json")) {
                root = new ObjectMapper().readTree(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return root;
    }

    /** The one-image {@code vscan} block. */
    static JsonNode vscan() {
        return root().get("vscan");
    }

    /** Image {@code i} (0 or 1) of {@code two_images.vscan.per_image}. */
    static JsonNode perImage(int i) {
        return root().get("two_images").get("vscan").get("per_image").get(i);
    }

    /** The one-image {@code merge_target}: dropped token to the kept token it merged into, by dropped token. */
    static TreeMap<Integer, Integer> mergeTarget() {
        return new ObjectMapper().convertValue(vscan().get("merge_target"),
                new TypeReference<TreeMap<Integer, Integer>>() {});
    }

    static int[] ints(JsonNode array) {
        int[] out = new int[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = array.get(i).asInt();
        }
        return out;
    }

    static float[] floats(JsonNode array) {
        float[] out = new float[array.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) array.get(i).asDouble();
        }
        return out;
    }
}
