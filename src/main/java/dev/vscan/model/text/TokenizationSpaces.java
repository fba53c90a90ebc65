package dev.vscan.model.text;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code clean_up_tokenization_spaces} step transformers runs after a tokenizer's own decoder: when a
 * checkpoint's tokenizer_config.json sets it, the spaces that word-splitting tokenizers leave before
 * punctuation and English contractions ("yes ." → "yes.", "it 's" → "it's") are taken out again.
 *
 * <p>An absent key means off, as in transformers since 4.45 (and in the Llama and Qwen2 tokenizer classes
 * before that); the older library-wide default of on is not followed.
 */
public final class TokenizationSpaces {

    public static final String KEY = "clean_up_tokenization_spaces";

    // transformers' replacements, applied in its order.
    private static final String[][] REPLACEMENTS = {
        {" .", "."}, {" ?", "?"}, {" !", "!"}, {" ,", ","}, {" ' ", "'"},
        {" n't", "n't"}, {" 'm", "'m"}, {" 's", "'s"}, {" 've", "'ve"}, {" 're", "'re"},
    };

    private TokenizationSpaces() {}

    /**
     * Whether {@code modelDir/tokenizer_config.json} asks for the clean-up; false without the file or the key.
     *
     * @throws TokenizerException naming the file and the key if the file is not JSON or the value is not a
     *     boolean
     */
    public static boolean requested(Path modelDir) {
        Path file = modelDir.resolve(ChatTemplate.TOKENIZER_CONFIG_FILE);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        JsonNode config;
        try {
            config = new ObjectMapper().readTree(file.toFile());
        } catch (IOException e) {
            throw new TokenizerException("cannot read " + file + ": " + e.getMessage(), e);
        }
        JsonNode value = config == null ? null : config.get(KEY);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new TokenizerException(file + ": " + KEY + " must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    /** {@code text} with the spaces before punctuation and contractions removed, as transformers does. */
    public static String cleanUp(String text) {
        String out = text;
        for (String[] r : REPLACEMENTS) {
            out = out.replace(r[0], r[1]);
        }
        return out;
    }
}
