package dev.vscan.model.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes a {@code tokenizer.json} built the way Qwen2.5's is, with a small vocabulary really trained on
 * the built-in corpus: NFC normalisation, Qwen's regex split (single digits, a letter run may take one
 * leading non-letter, newlines kept apart) followed by byte-level mapping, a BPE over the 256 byte symbols
 * and the learnt merges, a byte-level decoder, no BOS or other post-processed token, and Qwen's 22 added
 * tokens after the BPE ids ({@link QwenTokenizerSpec}). Unlike {@link BpeTokenizerBuilder}'s Llama-style
 * files, nothing precedes the byte symbols, since Qwen's vocabulary starts with them too.
 */
public final class QwenTokenizerBuilder {

    public static final String END_OF_TEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String VISION_START = "<|vision_start|>";
    public static final String VISION_END = "<|vision_end|>";
    public static final String VISION_PAD = "<|vision_pad|>";
    public static final String IMAGE_PAD = "<|image_pad|>";
    public static final String VIDEO_PAD = "<|video_pad|>";

    /** Qwen2.5's added tokens in id order; the first {@link #SPECIAL_COUNT} are special. */
    public static final List<String> ADDED_TOKENS = List.of(END_OF_TEXT, IM_START, IM_END, "<|object_ref_start|>",
            "<|object_ref_end|>", "<|box_start|>", "<|box_end|>", "<|quad_start|>", "<|quad_end|>", VISION_START,
            VISION_END, VISION_PAD, IMAGE_PAD, VIDEO_PAD, "<tool_call>", "</tool_call>", "<|fim_prefix|>",
            "<|fim_middle|>", "<|fim_suffix|>", "<|fim_pad|>", "<|repo_name|>", "<|file_sep|>");

    /** Up to {@code <|video_pad|>} the added tokens are special (skipped when decoding); the tool and FIM ones are not. */
    public static final int SPECIAL_COUNT = 14;

    public static final int DEFAULT_MODEL_MAX_LENGTH = 32768;

    // Qwen2's split, written once for the tokenizer (Oniguruma) and the trainer (java.util.regex), which
    // read it alike.
    static final String SPLIT_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";
    private static final Pattern SPLIT = Pattern.compile(SPLIT_REGEX, Pattern.UNICODE_CHARACTER_CLASS);

    private static final ObjectMapper JSON = new ObjectMapper();

    private QwenTokenizerBuilder() {
    }

    /** The tokenizer.json text for {@code spec}; the same spec always gives the same string. */
    public static String build(QwenTokenizerSpec spec) {
        BpeTrainer.Result trained =
                BpeTrainer.train(BpeTrainingCorpus.lines(), spec.bpeVocabularySize() - 256, SPLIT);
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        for (int i = 0; i < ADDED_TOKENS.size(); i++) {
            ObjectNode token = added.addObject();
            token.put("id", spec.bpeVocabularySize() + i);
            token.put("content", ADDED_TOKENS.get(i));
            token.put("single_word", false);
            token.put("lstrip", false);
            token.put("rstrip", false);
            token.put("normalized", false);
            token.put("special", i < SPECIAL_COUNT);
        }
        root.putObject("normalizer").put("type", "NFC");
        ObjectNode pre = root.putObject("pre_tokenizer");
        pre.put("type", "Sequence");
        ArrayNode steps = pre.putArray("pretokenizers");
        ObjectNode split = steps.addObject();
        split.put("type", "Split");
        split.putObject("pattern").put("Regex", SPLIT_REGEX);
        split.put("behavior", "Isolated");
        split.put("invert", false);
        // The split already cut the text; the byte-level step only maps bytes to symbols.
        steps.add(byteLevel());
        root.set("post_processor", byteLevel());
        root.set("decoder", byteLevel());
        root.set("model", model(trained));
        return write(root);
    }

    /** tokenizer_config.json for the files {@link #build} writes, with Qwen's 32,768-token context. */
    public static String tokenizerConfigJson(QwenTokenizerSpec spec) {
        return tokenizerConfigJson(spec, DEFAULT_MODEL_MAX_LENGTH);
    }

    /**
     * tokenizer_config.json as Qwen2.5-VL publishes it: no BOS and no unknown token, {@code <|im_end|>}
     * ends, {@code <|endoftext|>} pads, the added tokens listed by id.
     */
    public static String tokenizerConfigJson(QwenTokenizerSpec spec, int modelMaxLength) {
        if (modelMaxLength <= 0) {
            throw new IllegalArgumentException("modelMaxLength must be positive, got " + modelMaxLength);
        }
        ObjectNode config = JSON.createObjectNode();
        config.put("add_prefix_space", false);
        ObjectNode decoder = config.putObject("added_tokens_decoder");
        for (int i = 0; i < ADDED_TOKENS.size(); i++) {
            ObjectNode token = decoder.putObject(String.valueOf(spec.bpeVocabularySize() + i));
            token.put("content", ADDED_TOKENS.get(i));
            token.put("lstrip", false);
            token.put("normalized", false);
            token.put("rstrip", false);
            token.put("single_word", false);
            token.put("special", i < SPECIAL_COUNT);
        }
        ArrayNode additional = config.putArray("additional_special_tokens");
        ADDED_TOKENS.subList(1, SPECIAL_COUNT).forEach(additional::add);
        config.putNull("bos_token");
        config.put("clean_up_tokenization_spaces", false);
        config.put("eos_token", IM_END);
        config.put("errors", "replace");
        config.put("model_max_length", modelMaxLength);
        config.put("pad_token", END_OF_TEXT);
        config.put("split_special_tokens", false);
        config.put("tokenizer_class", "Qwen2Tokenizer");
        config.putNull("unk_token");
        return write(config);
    }

    private static ObjectNode byteLevel() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "ByteLevel");
        node.put("add_prefix_space", false);
        node.put("trim_offsets", false);
        node.put("use_regex", false);
        return node;
    }

    private static ObjectNode model(BpeTrainer.Result trained) {
        ObjectNode model = JSON.createObjectNode();
        model.put("type", "BPE");
        model.putNull("dropout");
        // Every byte has a symbol, so nothing is ever unknown.
        model.putNull("unk_token");
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        BpeModelJson.addVocabularyAndMerges(model, List.of(), trained);
        return model;
    }

    private static String write(ObjectNode node) {
        return BpeModelJson.pretty(node);
    }
}
