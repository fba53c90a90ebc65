package dev.vscan.model.next;

import ai.djl.ndarray.NDArray;

/**
 * What replaces one LLaVA-NeXT image's placeholder in the prompt: its visual tokens in the language
 * model's width, [tokens, hidden], and where each comes from (crop and patch, or a newline).
 */
public record PackedImage(NDArray embeddings, FeaturePacking sources) {

    public PackedImage {
        if (embeddings.getShape().get(0) != sources.tokens()) {
            throw new IllegalArgumentException(embeddings.getShape().get(0) + " embeddings for " + sources.tokens()
                    + " token sources");
        }
    }

    public int tokens() {
        return sources.tokens();
    }
}
