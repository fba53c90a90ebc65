package dev.vscan.model.qwen;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Window order and attention runs against transformers' get_window_index for the fixture's grids. */
class QwenWindowLayoutTest {

    private static final int[] IMAGE_1 = {1, 18, 16};
    private static final int[] IMAGE_2 = {1, 16, 18};

    private final JsonNode debug = QwenFixture.expected().get("debug");

    @Test
    void oneImage() {
        WindowLayout layout = WindowLayout.of(List.of(IMAGE_1), 2, 2);
        assertArrayEquals(QwenFixture.ints(debug.get("window_index")), layout.windowIndex());
        assertArrayEquals(QwenFixture.ints(debug.get("cu_window_seqlens")), layout.windowBounds());
        assertArrayEquals(new int[] {0, 288}, layout.frameBounds());
        assertEquals(72, layout.tokens());
    }

    @Test
    void twoImagesFollowEachOtherWithTheirOwnWindows() {
        WindowLayout layout = WindowLayout.of(List.of(IMAGE_1, IMAGE_2), 2, 2);
        assertArrayEquals(QwenFixture.ints(debug.get("two_image_window_index")), layout.windowIndex());
        assertArrayEquals(QwenFixture.ints(debug.get("two_image_cu_window_seqlens")), layout.windowBounds());
        assertArrayEquals(new int[] {0, 288, 576}, layout.frameBounds());
        assertEquals(72, layout.tokenOffset(1));
        assertEquals(144, layout.tokenOffset(2));
    }

    @Test
    void aSideThatDividesEvenlyAddsOnlyAnEmptyWindowRow() {
        // A 4x4 merged grid in 2x2 windows: 4 windows of 16 patches, the padded third row and column empty.
        WindowLayout layout = WindowLayout.of(List.of(new int[] {1, 8, 8}), 2, 2);
        assertArrayEquals(new int[] {0, 16, 32, 48, 64}, layout.windowBounds());
        assertArrayEquals(new int[] {0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 12, 13, 10, 11, 14, 15}, layout.windowIndex());
    }

    @Test
    void patchOrderKeepsTheFourPatchesOfAMergedTokenTogether() {
        WindowLayout layout = WindowLayout.of(List.of(IMAGE_1), 2, 2);
        long[] order = layout.patchOrder();
        // Window-order token 2 is merged token 8 (second merged row): pixel rows 32..35.
        assertArrayEquals(new long[] {32, 33, 34, 35}, java.util.Arrays.copyOfRange(order, 8, 12));
        // Its patches sit at patch rows 2..3, columns 0..1.
        assertEquals(2, layout.patchRow(8));
        assertEquals(0, layout.patchCol(8));
        assertEquals(3, layout.patchRow(11));
        assertEquals(1, layout.patchCol(11));
        long[] reverse = layout.reverse();
        for (int j = 0; j < layout.tokens(); j++) {
            assertEquals(j, reverse[layout.windowIndex()[j]]);
        }
    }

    @Test
    void windowRunsAreGroupedByLengthAndRestoreUndoesTheGrouping() {
        SegmentGroups runs = SegmentGroups.of(WindowLayout.of(List.of(IMAGE_1, IMAGE_2), 2, 2).windowBounds());
        // Both images: 16 full windows of 16 patches each and 4 edge windows of 8.
        assertEquals(2, runs.groups().size());
        assertEquals(16, runs.groups().get(0).length());
        assertEquals(32, runs.groups().get(0).count());
        assertEquals(8, runs.groups().get(1).length());
        assertEquals(8, runs.groups().get(1).count());
        long[] grouped = java.util.stream.LongStream.concat(java.util.Arrays.stream(runs.groups().get(0).rows()),
                java.util.Arrays.stream(runs.groups().get(1).rows())).toArray();
        long[] restore = runs.restore();
        for (int row = 0; row < restore.length; row++) {
            assertEquals(row, grouped[(int) restore[row]]);
        }
        assertEquals(true, SegmentGroups.of(new int[] {0, 288, 576}).inOrder());
    }
}
