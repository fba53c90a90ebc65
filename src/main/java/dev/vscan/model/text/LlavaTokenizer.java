package dev.vscan.model.text;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;

/**
 * A checkpoint's {@code tokenizer.json}, run by the Hugging Face tokenizers library through DJL's binding,
 * checked to map {@code <image>} to the model's image token id.
 *
 * <p>Decoding gives what transformers' {@code tokenizer.decode(ids, skip_special_tokens=True)} gives: the
 * file's own decoder chain (byte-level, or Llama's Replace/ByteFallback/Fuse/Strip, or none: tokens joined
 * by spaces) run by the same library, then tokenizer_config.json's {@code clean_up_tokenization_spaces}.
 * DJL is handed tokenizer.json alone, so that the rest of tokenizer_config.json cannot change encoding.
 */
public final class LlavaTokenizer implements AutoCloseable {

    public static final String TOKENIZER_FILE = "tokenizer.json";

    // Explicit options so DJL neither truncates nor pads a long multimodal prompt, and keeps the
    // tokenizer.json post-processor (the <s> of Llama-style files).
    private static final Map<String, String> OPTIONS =
            Map.of("addSpecialTokens", "true", "truncation", "false", "padding", "false");

    private final HuggingFaceTokenizer tokenizer;
    private final int vocabularySize;
    private final boolean cleanUpSpaces;

    private LlavaTokenizer(HuggingFaceTokenizer tokenizer, int vocabularySize, boolean cleanUpSpaces) {
        this.tokenizer = tokenizer;
        this.vocabularySize = vocabularySize;
        this.cleanUpSpaces = cleanUpSpaces;
    }

    /**
     * Loads {@code modelDir/tokenizer.json} and checks that the string {@code "<image>"} encodes to exactly
     * {@code [imageTokenId]}.
     *
     * @throws TokenizerException if the file is missing or unreadable, or has no {@code <image>} token with
     *     that id
     */
    public static LlavaTokenizer load(Path modelDir, int imageTokenId) {
        return load(modelDir, LlavaPrompt.IMAGE_PLACEHOLDER, imageTokenId);
    }

    /**
     * Loads {@code modelDir/tokenizer.json} and checks that {@code placeholder} (Qwen's
     * {@code <|image_pad|>}, LLaVA's {@code <image>}) encodes to exactly {@code [imageTokenId]}.
     */
    public static LlavaTokenizer load(Path modelDir, String placeholder, int imageTokenId) {
        Path file = modelDir.resolve(TOKENIZER_FILE);
        if (!Files.isRegularFile(file)) {
            throw new TokenizerException("no tokenizer file at " + file);
        }
        int vocabularySize = readVocabularySize(file);
        boolean cleanUpSpaces = TokenizationSpaces.requested(modelDir);
        HuggingFaceTokenizer tokenizer = open(file);
        LlavaTokenizer loaded = new LlavaTokenizer(tokenizer, vocabularySize, cleanUpSpaces);
        try {
            loaded.checkImageToken(file, placeholder, imageTokenId);
        } catch (RuntimeException e) {
            loaded.close();
            throw e;
        }
        return loaded;
    }

    /** Token ids of {@code text}, with the special tokens the file's post-processor adds (e.g. {@code <s>}). */
    public long[] encode(String text) {
        return encode(text, true);
    }

    /**
     * Token ids of {@code text}, with or without the post-processor's special tokens: without for a prompt
     * whose chat template already wrote them ({@link PromptFormat#addSpecialTokens}).
     */
    public long[] encode(String text, boolean addSpecialTokens) {
        return tokenizer.encode(text, addSpecialTokens, false).getIds();
    }

    /**
     * Text of {@code ids} as transformers decodes them with {@code skip_special_tokens=True}: special tokens
     * ({@code <s>}, {@code </s>}, {@code <image>}...) left out, the file's decoder over the whole sequence,
     * then the checkpoint's clean-up of spaces if it asks for one. Any prefix of an answer decodes the same
     * way; a prefix that ends inside a multi-byte character ends in U+FFFD, and with the clean-up on a
     * prefix ending in " " may lose that space once the next token is punctuation, so a stream should emit
     * only what a longer prefix no longer changes.
     */
    public String decode(long[] ids) {
        String text = tokenizer.decode(ids, true);
        return cleanUpSpaces ? TokenizationSpaces.cleanUp(text) : text;
    }

    /**
     * Best-effort text of one generated token on its own. Special tokens give "". Joining these pieces is
     * not the answer in general: a decoder that strips the sequence's first space (Llama's) strips every
     * piece's, a token that is part of a multi-byte character gives U+FFFD, and tokenizers without a
     * decoder (WordLevel) lose the spaces that {@link #decode} puts between tokens; decode the sequence.
     */
    public String decodeToken(long id) {
        return decode(new long[] {id});
    }

    /** Whether tokenizer_config.json turns on transformers' {@code clean_up_tokenization_spaces}. */
    public boolean cleansUpSpaces() {
        return cleanUpSpaces;
    }

    /** One more than the largest id in the vocabulary or the added tokens of tokenizer.json. */
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public void close() {
        tokenizer.close();
    }

    private void checkImageToken(Path file, String placeholder, int imageTokenId) {
        long[] ids = tokenizer.encode(placeholder, false, false).getIds();
        if (ids.length != 1 || ids[0] != imageTokenId) {
            throw new TokenizerException(file + " has no " + placeholder + " token with id " + imageTokenId
                    + " (\"" + placeholder + "\" encodes to " + Arrays.toString(ids) + ")");
        }
    }

    private static HuggingFaceTokenizer open(Path file) {
        // Without this DJL phones home on first use; respect a value the caller already chose.
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        try {
            return HuggingFaceTokenizer.newInstance(file, OPTIONS);
        } catch (IOException | RuntimeException e) {
            throw new TokenizerException("cannot load tokenizer " + file + ": " + e.getMessage(), e);
        }
    }

    private static int readVocabularySize(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new TokenizerException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
        long maxId = -1;
        Iterator<JsonNode> ids = root.path("model").path("vocab").elements();
        while (ids.hasNext()) {
            JsonNode id = ids.next();
            // Unigram vocabularies are [piece, score] lists whose id is the position instead.
            maxId = Math.max(maxId, id.isNumber() ? id.asLong() : -1);
        }
        JsonNode vocab = root.path("model").path("vocab");
        if (vocab.isArray()) {
            maxId = Math.max(maxId, vocab.size() - 1L);
        }
        for (JsonNode added : root.path("added_tokens")) {
            maxId = Math.max(maxId, added.path("id").asLong(-1));
        }
        if (maxId < 0) {
            throw new TokenizerException(file + " has no vocabulary under model.vocab");
        }
        return Math.toIntExact(maxId + 1);
    }
}
