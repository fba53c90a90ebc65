package dev.vscan.model.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Writes a complete Hugging Face {@code tokenizer.json} with a small, really trained byte-level BPE
 * vocabulary, Llama-style special tokens and a post-processor that prepends {@code <s>}; used for tiny
 * model presets that need a working tokenizer without downloading one.
 *
 * <p>Ids: 0 {@code <unk>}, 1 {@code <s>}, 2 {@code </s>}, 3 {@code <image>}, then the 256 byte symbols in
 * byte order, then one id per learnt token.
 */
public final class BpeTokenizerBuilder {

    public static final int UNK = 0;
    public static final int BOS = 1;
    public static final int EOS = 2;
    public static final int IMAGE = 3;
    public static final int DEFAULT_MODEL_MAX_LENGTH = 2048;

    static final List<String> SPECIAL_TOKENS = List.of("<unk>", "<s>", "</s>", LlavaPrompt.IMAGE_PLACEHOLDER);
    static final int FIRST_BYTE_ID = SPECIAL_TOKENS.size();
    static final int FIRST_MERGED_ID = FIRST_BYTE_ID + 256;

    private static final ObjectMapper JSON = new ObjectMapper();

    private BpeTokenizerBuilder() {
    }

    /**
     * The tokenizer.json text for {@code spec}; the same spec always gives the same string.
     *
     * @throws IllegalArgumentException if the built-in corpus cannot fill that many tokens
     */
    public static String build(BpeTokenizerSpec spec) {
        BpeTrainer.Result trained =
                BpeTrainer.train(BpeTrainingCorpus.lines(), spec.vocabularySize() - FIRST_MERGED_ID);
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        root.set("added_tokens", addedTokens());
        root.putNull("normalizer");
        root.set("pre_tokenizer", byteLevel());
        root.set("post_processor", bosTemplate());
        root.set("decoder", byteLevel());
        root.set("model", model(trained));
        return write(root);
    }

    /** tokenizer_config.json for the files {@link #build} writes, with the default model_max_length. */
    public static String tokenizerConfigJson() {
        return tokenizerConfigJson(DEFAULT_MODEL_MAX_LENGTH);
    }

    /** tokenizer_config.json for the files {@link #build} writes. */
    public static String tokenizerConfigJson(int modelMaxLength) {
        if (modelMaxLength <= 0) {
            throw new IllegalArgumentException("modelMaxLength must be positive, got " + modelMaxLength);
        }
        ObjectNode config = JSON.createObjectNode();
        config.put("add_bos_token", true);
        config.put("add_eos_token", false);
        config.put("bos_token", SPECIAL_TOKENS.get(BOS));
        config.put("eos_token", SPECIAL_TOKENS.get(EOS));
        config.put("unk_token", SPECIAL_TOKENS.get(UNK));
        // Llama/LLaVA-1.5 have no pad token of their own; batching pads with <unk>.
        config.put("pad_token", SPECIAL_TOKENS.get(UNK));
        config.put("model_max_length", modelMaxLength);
        config.put("clean_up_tokenization_spaces", false);
        config.put("tokenizer_class", "PreTrainedTokenizerFast");
        return write(config);
    }

    private static ArrayNode addedTokens() {
        ArrayNode tokens = JSON.createArrayNode();
        for (int id = 0; id < SPECIAL_TOKENS.size(); id++) {
            ObjectNode token = tokens.addObject();
            token.put("id", id);
            token.put("content", SPECIAL_TOKENS.get(id));
            token.put("single_word", false);
            token.put("lstrip", false);
            token.put("rstrip", false);
            token.put("normalized", false);
            token.put("special", true);
        }
        return tokens;
    }

    private static ObjectNode byteLevel() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "ByteLevel");
        // No added prefix space: otherwise "a" and " a" would encode alike and decoding could not restore
        // the text exactly.
        node.put("add_prefix_space", false);
        node.put("trim_offsets", true);
        node.put("use_regex", true);
        return node;
    }

    private static ObjectNode bosTemplate() {
        ObjectNode node = JSON.createObjectNode();
        node.put("type", "TemplateProcessing");
        ArrayNode single = node.putArray("single");
        single.add(specialPiece(SPECIAL_TOKENS.get(BOS), 0));
        single.add(sequencePiece("A", 0));
        ArrayNode pair = node.putArray("pair");
        pair.add(specialPiece(SPECIAL_TOKENS.get(BOS), 0));
        pair.add(sequencePiece("A", 0));
        pair.add(specialPiece(SPECIAL_TOKENS.get(BOS), 1));
        pair.add(sequencePiece("B", 1));
        ObjectNode bos = node.putObject("special_tokens").putObject(SPECIAL_TOKENS.get(BOS));
        bos.put("id", SPECIAL_TOKENS.get(BOS));
        bos.putArray("ids").add(BOS);
        bos.putArray("tokens").add(SPECIAL_TOKENS.get(BOS));
        return node;
    }

    private static ObjectNode specialPiece(String token, int typeId) {
        ObjectNode piece = JSON.createObjectNode();
        ObjectNode body = piece.putObject("SpecialToken");
        body.put("id", token);
        body.put("type_id", typeId);
        return piece;
    }

    private static ObjectNode sequencePiece(String id, int typeId) {
        ObjectNode piece = JSON.createObjectNode();
        ObjectNode body = piece.putObject("Sequence");
        body.put("id", id);
        body.put("type_id", typeId);
        return piece;
    }

    private static ObjectNode model(BpeTrainer.Result trained) {
        ObjectNode model = JSON.createObjectNode();
        model.put("type", "BPE");
        model.putNull("dropout");
        // Every byte has a symbol, so nothing is ever unknown.
        model.putNull("unk_token");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        BpeModelJson.addVocabularyAndMerges(model, SPECIAL_TOKENS, trained);
        return model;
    }

    private static String write(ObjectNode node) {
        return BpeModelJson.pretty(node);
    }
}
