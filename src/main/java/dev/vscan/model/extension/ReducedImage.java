package dev.vscan.model.extension;

import ai.djl.ndarray.NDArray;

/**
 * What replaces one image's placeholder in the prompt.
 *
 * @param embeddings        [tokens, textWidth] in the language model's embedding space
 * @param keptPatchIndices  which patches (raster index; merged tokens on Qwen2.5-VL) the tokens stand for, in order
 * @param stageOne          how a scan chose and merged them, or null when the reduction has no such trace
 */
public record ReducedImage(NDArray embeddings, int[] keptPatchIndices, StageOneTrace stageOne) {

    public ReducedImage {
        if (embeddings.getShape().get(0) != keptPatchIndices.length) {
            throw new IllegalArgumentException("reduced image has " + embeddings.getShape().get(0)
                    + " embeddings but " + keptPatchIndices.length + " patch indices");
        }
    }

    public ReducedImage(NDArray embeddings, int[] keptPatchIndices) {
        this(embeddings, keptPatchIndices, null);
    }

    public int tokens() {
        return keptPatchIndices.length;
    }
}
