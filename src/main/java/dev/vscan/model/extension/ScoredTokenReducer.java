package dev.vscan.model.extension;

import java.util.Set;

/**
 * Stage-1 extension point for vision towers without [CLS] (Qwen2.5-VL): turns one image's merged
 * tokens into the tokens the LLM sees. Kept apart from {@link VisualTokenReducer} because the tokens
 * come out of the tower already projected and the scores are computed inside the tower, per block.
 */
public interface ScoredTokenReducer {

    /** Keeps every token. */
    ScoredTokenReducer NONE = image -> {
        int[] all = new int[image.count()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return new ReducedImage(image.tokens(), all);
    };

    /**
     * Vision blocks (0-based) whose received attention {@link #reduce} reads, so the tower forms
     * explicit attention maps in those blocks only.
     *
     * @param depth               vision blocks in the tower
     * @param fullAttentionBlocks the config's {@code fullatt_block_indexes}, ascending
     */
    default Set<Integer> scoredBlocks(int depth, int[] fullAttentionBlocks) {
        return Set.of();
    }

    /** @return the kept tokens, with their raster indices in the merged grid (for their M-RoPE positions) */
    ReducedImage reduce(ScoredImageFeatures image);
}
