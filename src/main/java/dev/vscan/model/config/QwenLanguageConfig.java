package dev.vscan.model.config;

/**
 * The language side of a Qwen2.5-VL config.json: the Qwen2 decoder (M-RoPE section included) and the
 * special tokens that frame an image in the prompt.
 *
 * @param text               the decoder; {@link TextConfig#mropeSection()} is set
 * @param imageTokenId       {@code <|image_pad|>}, repeated once per merged visual token
 * @param visionStartTokenId {@code <|vision_start|>}, just before an image's pad tokens
 * @param visionEndTokenId   {@code <|vision_end|>}, just after them
 */
public record QwenLanguageConfig(TextConfig text, int imageTokenId, int visionStartTokenId, int visionEndTokenId) {

    public QwenLanguageConfig {
        if (text.mropeSection().isEmpty()) {
            throw new IllegalArgumentException("a Qwen2.5-VL decoder needs rope_scaling.mrope_section");
        }
        for (int id : new int[] {imageTokenId, visionStartTokenId, visionEndTokenId}) {
            if (id < 0 || id >= text.vocabSize()) {
                throw new IllegalArgumentException("special token id " + id + " is outside the vocabulary of "
                        + text.vocabSize());
            }
        }
    }
}
