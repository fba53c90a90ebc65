package dev.vscan.model.extension;

import ai.djl.ndarray.NDArray;
import java.util.Map;

/**
 * One image as a vision tower without a [CLS] token (Qwen2.5-VL) left it: its tokens already merged
 * into the language model's space, and per vision block the attention each token receives.
 *
 * @param tokens            [tokens, textWidth] the PatchMerger's output, raster order of the merged grid
 * @param receivedAttention vision block index (0-based) to a [tokens] score, for the blocks the reducer
 *                          asked for: the attention the token's patches receive in that block, summed
 *                          over heads, averaged over the image's query rows and over the token's patches
 * @param gridHeight        merged-token rows
 * @param gridWidth         merged-token columns
 */
public record ScoredImageFeatures(NDArray tokens, Map<Integer, NDArray> receivedAttention, int gridHeight,
        int gridWidth) {

    public ScoredImageFeatures {
        receivedAttention = Map.copyOf(receivedAttention);
        if (tokens.getShape().dimension() != 2 || tokens.getShape().get(0) != (long) gridHeight * gridWidth) {
            throw new IllegalArgumentException("an image of " + gridHeight + "x" + gridWidth
                    + " merged tokens needs [" + gridHeight * gridWidth + ", width] features, got " + tokens.getShape());
        }
    }

    public int count() {
        return gridHeight * gridWidth;
    }
}
