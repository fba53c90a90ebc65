package dev.vscan.reduction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.vscan.model.extension.ImageFeatures;
import dev.vscan.model.extension.ReducedImage;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VisionZipReducerTest {

    /** 4x4 patches with 4-dim features, chosen so every similarity is clear-cut. */
    private static final float[][] FEATURES = {
        {1, 0, 0, 0},  // 0  target A
        {2, 0, 0, 0},  // 1  -> A
        {0, 2, 0, 0},  // 2  -> B
        {3, 1, 0, 0},  // 3  -> A
        {1, 3, 0, 0},  // 4  -> B
        {0, 0, 0, 4},  // 5  dominant
        {1, 0, 5, 0},  // 6  -> A (cosine 0 with B)
        {0, 1, 0, 0},  // 7  target B
        {0, 1, 0, 5},  // 8  -> B
        {4, 0, 0, 0},  // 9  -> A
        {0, 0, 4, 0},  // 10 dominant
        {0, 4, 0, 0},  // 11 -> B
        {2, 1, 0, 0},  // 12 -> A
        {1, 2, 0, 0},  // 13 -> B
        {5, 0, 1, 1},  // 14 -> A
        {4, 4, 4, 4},  // 15 dominant
    };

    @Test
    void keepsTopAttentionPatchesAndMergesTheRestIntoStridedTargets() {
        System.setProperty("ai.djl.offline", "true");
        try (NDManager manager = NDManager.newBaseManager("PyTorch")) {
            float[] deep = new float[16];
            float[] shallow = new float[16];
            for (int i = 0; i < 16; i++) {
                deep[i] = 0.01f + 0.001f * i;
                shallow[i] = 0.01f;
            }
            deep[5] = 0.30f;
            deep[10] = 0.20f;
            deep[15] = 0.15f;
            shallow[0] = shallow[1] = shallow[2] = 0.9f; // another request's layer: must not be used
            ImageFeatures image = new ImageFeatures(flat(manager),
                    Map.of(2, manager.create(deep), 0, manager.create(shallow)), 4, 4);

            VisionZipReducer reducer = new VisionZipReducer(3, 2);
            assertEquals(Set.of(2), reducer.attentionLayers(3));
            // a non-linear "projector" shows that merging happens before projection
            ReducedImage out = reducer.reduce(image, x -> x.mul(x));

            // 13 remaining patches, stride 13/2 = 6: targets are the 1st and 7th remaining, patches 0 and 7
            assertArrayEquals(new int[] {0, 5, 7, 10, 15}, out.keptPatchIndices());
            // A: members 1,3,6,9,12,14 sum (17,2,6,1) -> A + sum/6; B: members 2,4,8,11,13 sum (2,12,0,5) -> B + sum/5
            float[][] expected = {
                {1 + 17 / 6f, 2 / 6f, 6 / 6f, 1 / 6f},
                {0, 0, 0, 4},
                {2 / 5f, 1 + 12 / 5f, 0, 5 / 5f},
                {0, 0, 4, 0},
                {4, 4, 4, 4},
            };
            assertEquals(new Shape(5, 4), out.embeddings().getShape());
            assertArrayEquals(squaredFlat(expected), out.embeddings().toFloatArray(), 1e-5f);
        }
    }

    @Test
    void splitsBudgetsLikeVisionZipOnLlava() {
        assertEquals(54, VisionZipReducer.forBudget(64).dominant());
        assertEquals(10, VisionZipReducer.forBudget(64).contextual());
        assertEquals(108, VisionZipReducer.forBudget(128).dominant());
        assertEquals(20, VisionZipReducer.forBudget(128).contextual());
        assertEquals(162, VisionZipReducer.forBudget(192).dominant());
        assertEquals(30, VisionZipReducer.forBudget(192).contextual());
    }

    private static NDArray flat(NDManager manager) {
        float[] data = new float[64];
        for (int i = 0; i < 16; i++) {
            System.arraycopy(FEATURES[i], 0, data, 4 * i, 4);
        }
        return manager.create(data, new Shape(16, 4));
    }

    private static float[] squaredFlat(float[][] rows) {
        float[] out = new float[rows.length * 4];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < 4; c++) {
                out[4 * r + c] = rows[r][c] * rows[r][c];
            }
        }
        return out;
    }
}
