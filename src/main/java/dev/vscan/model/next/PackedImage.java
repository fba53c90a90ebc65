package dev.vscan.model.next;

import ai.djl.ndarray.NDArray;

/**
 * What replaces one LLaVA-NeXT image's placeholder in the prompt: its visual tokens in the language
 * model's width, [tokens, hidden], where each comes from (crop and patch, or a newline), and each
 * one's place in the image's packing with nothing dropped.
 */
public record PackedImage(NDArray embeddings, FeaturePacking sources, int[] packedIndices) {

    public PackedImage {
        if (packedIndices.length != sources.tokens()) {
            throw new IllegalArgumentException(packedIndices.length + " packed indices for " + sources.tokens()
                    + " token sources");
        }
        if (embeddings.getShape().get(0) != sources.tokens()) {
            throw new IllegalArgumentException(embeddings.getShape().get(0) + " embeddings for " + sources.tokens()
                    + " token sources");
        }
    }

    public int tokens() {
        return sources.tokens();
    }
}
