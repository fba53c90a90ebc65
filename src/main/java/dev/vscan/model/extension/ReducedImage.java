package dev.vscan.model.extension;

import ai.djl.ndarray.NDArray;

/**
 * What replaces one image's placeholder in the prompt.
 *
 * @param embeddings        [tokens, textWidth] in the language model's embedding space
 * @param keptPatchIndices  which patches (raster index; merged tokens on Qwen2.5-VL) the tokens stand for, in order
 */
public record ReducedImage(NDArray embeddings, int[] keptPatchIndices) {

    public ReducedImage {
        if (embeddings.getShape().get(0) != keptPatchIndices.length) {
            throw new IllegalArgumentException("reduced image has " + embeddings.getShape().get(0)
                    + " embeddings but " + keptPatchIndices.length + " patch indices");
        }
    }

    public int tokens() {
        return keptPatchIndices.length;
    }
}
