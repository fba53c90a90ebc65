package dev.vscan.model.text;

/**
 * How large a byte-level BPE vocabulary {@link BpeTokenizerBuilder} should train.
 *
 * @param vocabularySize all ids, the 4 special tokens and the 256 byte symbols included
 */
public record BpeTokenizerSpec(int vocabularySize) {

    /** Special tokens, byte alphabet and at least 16 merges, so the result is a real BPE. */
    public static final int MIN_VOCABULARY_SIZE = BpeTokenizerBuilder.FIRST_MERGED_ID + 16;

    /** Below what the built-in corpus can learn (about 3,900 tokens), so every valid spec builds. */
    public static final int MAX_VOCABULARY_SIZE = 3072;

    public BpeTokenizerSpec {
        if (vocabularySize > MAX_VOCABULARY_SIZE) {
            throw new IllegalArgumentException("vocabularySize " + vocabularySize + " is above "
                    + MAX_VOCABULARY_SIZE + ", the most the built-in training corpus supports");
        }
        if (vocabularySize < MIN_VOCABULARY_SIZE) {
            throw new IllegalArgumentException("vocabularySize " + vocabularySize + " is below the minimum "
                    + MIN_VOCABULARY_SIZE + " (4 special tokens + 256 byte symbols + 16 merges)");
        }
    }
}
