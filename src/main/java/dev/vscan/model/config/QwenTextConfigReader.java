package dev.vscan.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a Qwen2.5-VL config.json's language side in both published forms: the flat one of the hub
 * checkpoints (decoder fields at the top level, {@code rope_scaling: {type: mrope, mrope_section}}) and
 * the nested one transformers 5 writes ({@code text_config}, {@code rope_parameters}).
 */
final class QwenTextConfigReader {

    /** Qwen2.5-VL-7B-Instruct's values, for keys a config leaves out. */
    private static final int VOCAB = 152064;

    private QwenTextConfigReader() {
    }

    static QwenLanguageConfig read(JsonFields root) {
        JsonFields t = root.has("text_config") ? root.object("text_config") : root;
        int hidden = required(t, "hidden_size");
        int heads = required(t, "num_attention_heads");
        if (!t.has("head_dim") && hidden % heads != 0) {
            throw t.error(t.path("hidden_size") + " " + hidden + " is not divisible by num_attention_heads " + heads);
        }
        if (t.boolOr("use_sliding_window", false)) {
            throw t.error(t.path("use_sliding_window") + " is true: sliding-window attention is not supported");
        }
        JsonFields rope = t.has("rope_parameters") ? t.object("rope_parameters") : t.object("rope_scaling");
        if (!t.has("rope_parameters") && !t.has("rope_scaling") && root != t) {
            rope = root.has("rope_parameters") ? root.object("rope_parameters") : root.object("rope_scaling");
        }
        String type = rope.stringOr("rope_type", rope.stringOr("type", "default"));
        if (!type.equals("mrope") && !type.equals("default")) {
            throw rope.error(rope.path("rope_type") + " '" + type + "' is not supported; Qwen2.5-VL uses M-RoPE");
        }
        List<Integer> section = rope.intListOrNull("mrope_section");
        if (section == null) {
            throw rope.error(rope.path("mrope_section") + " is missing: Qwen2.5-VL splits RoPE over three streams");
        }
        double theta = t.doubleOr("rope_theta", rope.doubleOr("rope_theta", 1_000_000.0));
        List<Integer> eos = t.intListOrNull("eos_token_id");
        if (eos == null) {
            eos = root.intListOrNull("eos_token_id");
        }
        int bos = t.intOr("bos_token_id", root.intOr("bos_token_id", -1));
        TextConfig text = new TextConfig(t.intOr("vocab_size", root.intOr("vocab_size", VOCAB)), hidden,
                required(t, "intermediate_size"), required(t, "num_hidden_layers"), heads,
                t.intOr("num_key_value_heads", heads), t.intOr("head_dim", hidden / heads),
                t.doubleOr("rms_norm_eps", 1e-6), theta, t.intOr("max_position_embeddings", 128000),
                t.stringOr("hidden_act", "silu"), root.boolOr("tie_word_embeddings", t.boolOr("tie_word_embeddings", false)),
                bos, eos == null ? List.of() : new ArrayList<>(eos), t.intOr("pad_token_id", -1), section);
        return new QwenLanguageConfig(text, tokenId(root, t, "image_token_id"),
                tokenId(root, t, "vision_start_token_id"), tokenId(root, t, "vision_end_token_id"));
    }

    private static int required(JsonFields t, String key) {
        Integer value = t.intOrNull(key);
        if (value == null) {
            throw t.error(t.path(key) + " is missing");
        }
        return value;
    }

    private static int tokenId(JsonFields root, JsonFields text, String key) {
        JsonNode value = root.raw(key);
        if (value == null) {
            value = text.raw(key);
        }
        if (value == null || !value.canConvertToInt()) {
            throw root.error(root.path(key) + " is missing or not an integer");
        }
        return value.asInt();
    }
}
