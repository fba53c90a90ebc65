package dev.vscan.model.text;

import java.util.List;

/**
 * How large a Qwen-style byte-level BPE {@link QwenTokenizerBuilder} should train, and the ids that
 * follow from it: the BPE vocabulary takes ids {@code 0..bpeVocabularySize-1} (the 256 byte symbols in
 * byte order, then one id per learnt token) and Qwen's added tokens come right after it, in Qwen's order,
 * as Qwen2.5's 151,643 BPE entries are followed by {@code <|endoftext|>} = 151643.
 *
 * @param bpeVocabularySize the byte symbols and the learnt tokens, added tokens not included
 */
public record QwenTokenizerSpec(int bpeVocabularySize) {

    /** The byte alphabet and at least 16 merges, so the result is a real BPE. */
    public static final int MIN_BPE_VOCABULARY_SIZE = 256 + 16;

    /** What the built-in corpus can certainly learn under Qwen's split, so every valid spec builds. */
    public static final int MAX_BPE_VOCABULARY_SIZE = 3072;

    public QwenTokenizerSpec {
        if (bpeVocabularySize < MIN_BPE_VOCABULARY_SIZE || bpeVocabularySize > MAX_BPE_VOCABULARY_SIZE) {
            throw new IllegalArgumentException("bpeVocabularySize " + bpeVocabularySize + " is outside "
                    + MIN_BPE_VOCABULARY_SIZE + ".." + MAX_BPE_VOCABULARY_SIZE
                    + " (256 byte symbols + at least 16 merges, at most what the built-in corpus supports)");
        }
    }

    /** The id of one of {@link QwenTokenizerBuilder#ADDED_TOKENS}. */
    public int id(String addedToken) {
        int index = QwenTokenizerBuilder.ADDED_TOKENS.indexOf(addedToken);
        if (index < 0) {
            throw new IllegalArgumentException("'" + addedToken + "' is not one of Qwen's added tokens "
                    + QwenTokenizerBuilder.ADDED_TOKENS);
        }
        return bpeVocabularySize + index;
    }

    /** Every id the tokenizer has: the BPE vocabulary and the added tokens. */
    public int size() {
        return bpeVocabularySize + QwenTokenizerBuilder.ADDED_TOKENS.size();
    }

    /** {@code <|endoftext|>}: Qwen's BOS in config.json, its pad token, and the second end id. */
    public int endOfText() {
        return id(QwenTokenizerBuilder.END_OF_TEXT);
    }

    /** {@code <|im_end|>}: the end of a chat turn, the first end id. */
    public int imEnd() {
        return id(QwenTokenizerBuilder.IM_END);
    }

    public int visionStart() {
        return id(QwenTokenizerBuilder.VISION_START);
    }

    public int visionEnd() {
        return id(QwenTokenizerBuilder.VISION_END);
    }

    public int visionPad() {
        return id(QwenTokenizerBuilder.VISION_PAD);
    }

    public int imagePad() {
        return id(QwenTokenizerBuilder.IMAGE_PAD);
    }

    public int videoPad() {
        return id(QwenTokenizerBuilder.VIDEO_PAD);
    }

    /** The two ids a chat answer ends on, as generation_config.json lists them: im_end, then endoftext. */
    public List<Integer> endIds() {
        return List.of(imEnd(), endOfText());
    }
}
