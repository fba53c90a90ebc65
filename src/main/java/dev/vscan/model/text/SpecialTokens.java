package dev.vscan.model.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The special tokens a chat template may print ({@code bos_token}, {@code eos_token}, {@code pad_token},
 * {@code unk_token}), as tokenizer_config.json gives them; each may be absent (null), as Qwen's BOS is.
 */
public record SpecialTokens(String bos, String eos, String pad, String unk) {

    public static final SpecialTokens NONE = new SpecialTokens(null, null, null, null);

    /**
     * The tokens of a parsed tokenizer_config.json, each a string or an AddedToken object
     * ({@code {"content": …}}).
     *
     * @throws ChatTemplateException if a token is neither
     */
    static SpecialTokens from(JsonNode tokenizerConfig, Path file) {
        return new SpecialTokens(token(tokenizerConfig, "bos_token", file), token(tokenizerConfig, "eos_token", file),
                token(tokenizerConfig, "pad_token", file), token(tokenizerConfig, "unk_token", file));
    }

    /** The template variables: only the tokens that are set, so an absent one is undefined as in transformers. */
    Map<String, Object> variables() {
        Map<String, Object> variables = new LinkedHashMap<>();
        putIfSet(variables, "bos_token", bos);
        putIfSet(variables, "eos_token", eos);
        putIfSet(variables, "pad_token", pad);
        putIfSet(variables, "unk_token", unk);
        return variables;
    }

    private static void putIfSet(Map<String, Object> variables, String name, String value) {
        if (value != null) {
            variables.put(name, value);
        }
    }

    private static String token(JsonNode config, String key, Path file) {
        JsonNode value = config.get(key);
        if (value == null || value.isNull()) {
            return null;
        }
        if (value.isTextual()) {
            return value.asText();
        }
        JsonNode content = value.get("content");
        if (value.isObject() && content != null && content.isTextual()) {
            return content.asText();
        }
        throw new ChatTemplateException(file + ": " + key + " is neither a string nor an object with a string"
                + " \"content\"");
    }
}
