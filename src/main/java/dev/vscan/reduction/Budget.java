package dev.vscan.reduction;

/**
 * Visual tokens per image that a request keeps, resolved against one model.
 *
 * <p>Stage 1 keeps {@code r1} tokens, so layers {@code 0..layer-1} see {@code r1}; after decoder
 * layer {@code layer} stage 2 keeps {@code r2}. When {@code r2 == r1} nothing is pruned in the LLM
 * and {@code layer} has no effect. For PyramidDrop the same prune repeats after {@code layer},
 * {@code 2*layer} and {@code 3*layer}, each keeping {@link #pyramidRatio()} of the tokens before it.
 *
 * @param r1    visual tokens per image after stage 1
 * @param r2    visual tokens per image after the (first) stage-2 prune
 * @param layer decoder layers that run before the (first) stage-2 prune
 */
public record Budget(int r1, int r2, int layer) {

    public Budget {
        if (r1 < 1) {
            throw new IllegalArgumentException("r1 " + r1 + " must be at least 1 visual token");
        }
        if (r2 < 1 || r2 > r1) {
            throw new IllegalArgumentException("r2 " + r2 + " must be in 1..r1 (" + r1
                    + "): stage 2 can only drop tokens that stage 1 kept");
        }
        if (layer < 1) {
            throw new IllegalArgumentException("layer " + layer + " must be at least 1: stage 2 runs after a decoder layer");
        }
    }

    /** True when stage 2 drops tokens. */
    public boolean prunesInLlm() {
        return r2 < r1;
    }

    /** Share of the tokens kept at each PyramidDrop prune (r2 / r1). */
    public double pyramidRatio() {
        return r2 / (double) r1;
    }

    /** Average visual tokens per layer over {@code llmLayers} layers for the two-level schedule. */
    public double average(int llmLayers) {
        int k = Math.min(layer, llmLayers);
        return (k * (double) r1 + (llmLayers - k) * (double) r2) / llmLayers;
    }
}
