package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TokenMergerTest {

    private static NDManager manager;
    private final TokenMerger merger = new TokenMerger();

    @BeforeAll
    static void start() {
        System.setProperty("ai.djl.offline", "true");
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterAll
    static void stop() {
        manager.close();
    }

    private static NDArray tokens(float[][] rows) {
        float[] flat = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * rows[0].length, rows[0].length);
        }
        return manager.create(flat, new Shape(rows.length, rows[0].length));
    }

    @Test
    void eachKeptTokenBecomesTheMeanOfItselfAndTheTokensMostSimilarToIt() {
        // token 2 points along token 0, token 3 along token 1; magnitudes differ so the mean is visible
        NDArray x = tokens(new float[][] {{1, 0}, {0, 1}, {2, 0.2f}, {0.1f, 3}});
        float[] merged = merger.merge(x, new int[] {0, 1}).toFloatArray();
        assertArrayEquals(new float[] {1.5f, 0.1f, 0.05f, 2f}, merged, 1e-6f);
    }

    @Test
    void aKeptTokenThatNothingJoinsStaysAsItIs() {
        NDArray x = tokens(new float[][] {{-1, -1}, {1, 0}, {3, 1}, {0, 1}});
        // kept 0 and 3; token 1 (1,0) is closer to (0,1) than to (-1,-1), and so is (3,1)
        float[] merged = merger.merge(x, new int[] {0, 3}).toFloatArray();
        assertArrayEquals(new float[] {-1, -1, 4f / 3, 2f / 3}, merged, 1e-6f);
    }

    @Test
    void aTieGoesToTheLowerKeptPosition() {
        NDArray x = tokens(new float[][] {{1, 1}, {1, 0}, {0, 1}});
        float[] merged = merger.merge(x, new int[] {1, 2}).toFloatArray();
        assertArrayEquals(new float[] {1, 0.5f, 0, 1}, merged, 1e-6f);
    }

    @Test
    void theTrackedMergeTellsWhichKeptTokenEachRowJoined() {
        // 0 and 3 kept; (1,0) and (3,1) lean towards (0,1), (-2,-1) towards (-1,-1); ties would go low
        NDArray x = tokens(new float[][] {{-1, -1}, {1, 0}, {3, 1}, {0, 1}, {-2, -1}});
        TokenMerger.Merged merged = merger.mergeTracked(x, new int[] {0, 3});
        assertArrayEquals(new int[] {0, 3, 3, 3, 0}, merged.targets());
        assertArrayEquals(merger.merge(x, new int[] {0, 3}).toFloatArray(), merged.tokens().toFloatArray());
        assertArrayEquals(new int[] {0, 1}, merger.mergeTracked(tokens(new float[][] {{1, 0}, {0, 1}}),
                new int[] {0, 1}).targets());
    }

    @Test
    void keepsTheInputTypeAndKeepingAllChangesNothing() {
        NDArray x = tokens(new float[][] {{1, 2}, {3, 4}}).toType(DataType.FLOAT16, false);
        NDArray merged = merger.merge(x, new int[] {0, 1});
        assertArrayEquals(new float[] {1, 2, 3, 4}, merged.toType(DataType.FLOAT32, false).toFloatArray());
        assertEquals(DataType.FLOAT16, merged.getDataType());
    }

    @Test
    void rejectsUnsortedOrOutOfRangeKeptIndices() {
        NDArray x = tokens(new float[][] {{1, 0}, {0, 1}, {1, 1}});
        assertThrows(IllegalArgumentException.class, () -> merger.merge(x, new int[] {2, 0}));
        assertThrows(IllegalArgumentException.class, () -> merger.merge(x, new int[] {3}));
        assertThrows(IllegalArgumentException.class, () -> merger.merge(x, new int[0]));
    }
}
