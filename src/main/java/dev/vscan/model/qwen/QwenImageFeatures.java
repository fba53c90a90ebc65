package dev.vscan.model.qwen;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * What the vision tower gives for one image.
 *
 * @param features          [tokens, out_hidden] merger output, in raster order of the merged grid
 *                          ((t, row, column) for several frames); in the caller's manager, closed by the caller
 * @param receivedAttention block index to one score per merged token, raster order: VScan's stage-1
 *                          attention received (sum over heads, mean over the image's query rows, mean over
 *                          the token's patches), for the blocks that were asked for
 * @param mergedHeight      rows of the merged grid
 * @param mergedWidth       columns of the merged grid
 */
public record QwenImageFeatures(NDArray features, Map<Integer, float[]> receivedAttention, int mergedHeight,
                                int mergedWidth) {

    public QwenImageFeatures {
        receivedAttention = Map.copyOf(receivedAttention);
    }

    public int tokens() {
        return (int) features.getShape().get(0);
    }

    /** The scores of {@code block}; fails when that block was not asked for. */
    public float[] scores(int block) {
        float[] scores = receivedAttention.get(block);
        if (scores == null) {
            throw new IllegalArgumentException("attention of vision block " + block + " was not asked for; have "
                    + receivedAttention.keySet());
        }
        return scores.clone();
    }
}
