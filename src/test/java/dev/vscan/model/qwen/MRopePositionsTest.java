package dev.vscan.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.llama.RopePositions;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Qwen2.5-VL's 3-D positions against what transformers' get_rope_index gives the reference prompts. */
class MRopePositionsTest {

    private static final long IMAGE_PAD = 247;

    private static JsonNode expected;

    @BeforeAll
    static void load() throws IOException {
        try (InputStream in = MRopePositionsTest.class.getResourceAsStream("/qwen2_5_vl-reference/expected.json")) {
            expected = new ObjectMapper().readTree(in);
        }
    }

    @Test
    void oneImageTakesRowAndColumnOffsetsAndTheTextAfterItContinuesAtTheLargestPlusOne() {
        RopePositions positions = MRopePositions.forPrompt(longs(expected.get("input_ids_unexpanded")), IMAGE_PAD,
                List.of(new int[] {9, 8}));
        assertStreams(expected.get("position_ids"), positions);
        assertEquals(expected.get("rope_delta").asLong(), positions.max() + 1 - positions.length());
    }

    @Test
    void twoImagesEachOnTheirOwnGrid() {
        JsonNode two = expected.get("two_images");
        RopePositions positions = MRopePositions.forPrompt(longs(two.get("input_ids_unexpanded")), IMAGE_PAD,
                List.of(new int[] {9, 8}, new int[] {8, 9}));
        assertStreams(two.get("position_ids"), positions);
        assertEquals(two.get("rope_delta").asLong(), positions.max() + 1 - positions.length());
    }

    @Test
    void tokensKeptByStageOneKeepTheirIds() {
        JsonNode vscan = expected.get("vscan");
        RopePositions positions = MRopePositions.forPrompt(longs(expected.get("input_ids_unexpanded")), IMAGE_PAD,
                List.of(new int[] {9, 8}), List.of(ints(vscan.get("kept_after_stage1"))));
        assertStreams(vscan.get("position_ids_after_stage1"), positions);

        JsonNode two = expected.get("two_images");
        List<int[]> kept = new ArrayList<>();
        for (JsonNode image : two.get("vscan").get("per_image")) {
            kept.add(ints(image.get("kept_after_stage1")));
        }
        assertStreams(two.get("vscan").get("position_ids_after_stage1"), MRopePositions.forPrompt(
                longs(two.get("input_ids_unexpanded")), IMAGE_PAD, List.of(new int[] {9, 8}, new int[] {8, 9}), kept));
    }

    @Test
    void placeholdersAndImagesMustPair() {
        long[] ids = {1, IMAGE_PAD, 2};
        assertThrows(IllegalArgumentException.class, () -> MRopePositions.forPrompt(ids, IMAGE_PAD, List.of()));
        assertThrows(IllegalArgumentException.class, () -> MRopePositions.forPrompt(ids, IMAGE_PAD,
                List.of(new int[] {2, 2}, new int[] {2, 2})));
        assertThrows(IllegalArgumentException.class, () -> MRopePositions.forPrompt(ids, IMAGE_PAD,
                List.of(new int[] {2, 2}), List.of(new int[] {3, 1})));
    }

    private static void assertStreams(JsonNode expectedStreams, RopePositions actual) {
        long[][] streams = actual.streams();
        assertEquals(3, streams.length);
        for (int s = 0; s < 3; s++) {
            assertArrayEquals(longs(expectedStreams.get(s)), streams[s], "stream " + s);
        }
    }

    static long[] longs(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToLong(JsonNode::asLong).toArray();
    }

    static int[] ints(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).mapToInt(JsonNode::asInt).toArray();
    }
}
