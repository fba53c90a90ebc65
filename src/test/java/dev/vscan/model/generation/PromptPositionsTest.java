package dev.vscan.model.generation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.extension.ReducedImage;
import dev.vscan.model.extension.VisualPositions;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Where each token of a spliced prompt sits, for images of 9 patches (a 3x3 grid) each. */
class PromptPositionsTest {

    private static final long IMAGE = 99;

    private static NDManager manager;
    private final PromptPositions positions = new PromptPositions(IMAGE, 9);

    @BeforeAll
    static void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static ReducedImage keeping(int... patches) {
        return new ReducedImage(manager.zeros(new Shape(patches.length, 4)), patches);
    }

    @Test
    void referencePositionsCountTheTokensPresent() {
        long[] ids = {1, 5, IMAGE, 7, 8};
        assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6},
                positions.of(ids, List.of(keeping(0, 4, 8)), VisualPositions.REFERENCE));
    }

    @Test
    void originalPositionsLeaveTheDroppedPatchesPlacesEmpty() {
        long[] ids = {1, 5, IMAGE, 7, 8};
        // patches 0, 4 and 8 at 2 + patch; the text after the image starts at 2 + 9
        assertArrayEquals(new long[] {0, 1, 2, 6, 10, 11, 12},
                positions.of(ids, List.of(keeping(0, 4, 8)), VisualPositions.ORIGINAL));
    }

    @Test
    void eachImageSpansItsFullGridUnderOriginalPositions() {
        long[] ids = {1, IMAGE, IMAGE, 7};
        assertArrayEquals(new long[] {0, 2, 3, 10, 18, 19},
                positions.of(ids, List.of(keeping(1, 2), keeping(0, 8)), VisualPositions.ORIGINAL));
    }

    @Test
    void withEveryPatchKeptBothSettingsAgree() {
        long[] ids = {1, IMAGE, 7};
        ReducedImage all = keeping(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertArrayEquals(positions.of(ids, List.of(all), VisualPositions.REFERENCE),
                positions.of(ids, List.of(all), VisualPositions.ORIGINAL));
    }
}
