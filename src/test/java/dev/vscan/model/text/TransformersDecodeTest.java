package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Concrete ids and the text transformers' {@code tokenizer.decode(ids, skip_special_tokens=True)} gives for
 * them, worked out by hand from each tokenizer.json's vocabulary and decoder: the built-in model's
 * byte-level BPE, a Llama SentencePiece-style BPE (LLaVA-1.5's decoder chain), a Qwen-style byte-level BPE
 * with added tokens, and the reference fixtures' WordLevel files.
 */
class TransformersDecodeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path BUILTIN = Path.of("src/main/resources/dev/vscan/model/builtin/shapes-vqa");

    // ---- the built-in model: GPT-2 style byte-level BPE, decoder ByteLevel (no Strip) ----

    @Test
    void builtInModelKeepsTheSpaceItsByteLevelDecoderGives() throws IOException {
        JsonNode vocab = vocabulary(BUILTIN);
        // "Ġ" is the byte-level symbol of byte 0x20; the model answers a digit as "Ġ" then the digit.
        long space = vocab.get("Ġ").asLong();
        long five = vocab.get("5").asLong();
        long four = vocab.get("4").asLong();
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(BUILTIN, 3)) {
            // The ids the README example's request produces ([36, 56, 2]): ByteLevel maps "Ġ4" back to
            // the bytes " 4" and has no step that strips it; </s> is special and skipped.
            assertEquals(36, space);
            assertEquals(56, four);
            assertEquals(" 4", tokenizer.decode(new long[] {space, four, 2}));
            assertEquals(" 5", tokenizer.decode(new long[] {1, space, five, 2}));
            assertEquals("", tokenizer.decode(new long[] {1, 3, 2}));
            assertFalse(tokenizer.cleansUpSpaces(), "its tokenizer_config.json sets the clean-up off");
        }
    }

    @Test
    void builtInModelJoinsBytesIntoCharactersAndMarksACutOne() throws IOException {
        JsonNode vocab = vocabulary(BUILTIN);
        // "é" is UTF-8 C3 A9, whose byte-level symbols are "Ã" (U+00C3) and "©" (U+00A9).
        long c3 = vocab.get("Ã").asLong();
        long a9 = vocab.get("©").asLong();
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(BUILTIN, 3)) {
            assertEquals("é", tokenizer.decode(new long[] {c3, a9}));
            // a prefix that ends inside the character: the lone byte is not UTF-8
            assertEquals("\uFFFD", tokenizer.decode(new long[] {c3}));
        }
    }

    // ---- Llama SentencePiece-style BPE: Replace "▁"→" ", ByteFallback, Fuse, Strip one leading space ----

    @Test
    void llamaDecoderStripsTheAnswersLeadingSpace(@TempDir Path dir) throws IOException {
        writeLlamaTokenizer(dir, null);
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(dir, 3)) {
            // "▁5" → " 5" → (one piece) → "5"
            assertEquals("5", tokenizer.decode(ids("▁5")));
            assertEquals("5", tokenizer.decode(new long[] {1, LLAMA_WORD_IDS.id("▁5"), 2}));
            // only the sequence's first space goes, the ones between words stay
            assertEquals("the circle is red", tokenizer.decode(ids("▁the", "▁circle", "▁is", "▁red")));
            // Strip takes one space at most: "▁" "▁5" is "  5" before it
            assertEquals(" 5", tokenizer.decode(ids("▁", "▁5")));
        }
    }

    @Test
    void llamaDecoderTurnsFallbackBytesIntoCharacters(@TempDir Path dir) throws IOException {
        writeLlamaTokenizer(dir, null);
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(dir, 3)) {
            long c3 = byteToken(0xC3);
            long a9 = byteToken(0xA9);
            assertEquals("café", tokenizer.decode(new long[] {LLAMA_WORD_IDS.id("▁caf"), c3, a9}));
            // a prefix cut inside "é": ByteFallback gives U+FFFD for the byte that is no character alone
            assertEquals("caf\uFFFD", tokenizer.decode(new long[] {LLAMA_WORD_IDS.id("▁caf"), c3}));
            // every prefix of an answer decodes to the start of the whole answer once its characters are whole
            long[] answer = ids("▁the", "▁circle", "▁is", "▁red");
            String whole = tokenizer.decode(answer);
            for (int n = 1; n <= answer.length; n++) {
                assertTrue(whole.startsWith(tokenizer.decode(java.util.Arrays.copyOf(answer, n))), "prefix " + n);
            }
        }
    }

    @Test
    void tokenizerConfigCleanUpRemovesSpacesBeforePunctuation(@TempDir Path on, @TempDir Path off)
            throws IOException {
        writeLlamaTokenizer(on, "{\"clean_up_tokenization_spaces\": true}");
        writeLlamaTokenizer(off, "{\"tokenizer_class\": \"LlamaTokenizer\"}");
        long[] sentence = ids("▁yes", "▁.", "▁it", "▁'s", "▁red", "▁?");
        try (LlavaTokenizer cleaning = LlavaTokenizer.load(on, 3); LlavaTokenizer plain = LlavaTokenizer.load(off, 3)) {
            assertTrue(cleaning.cleansUpSpaces());
            assertEquals("yes. it's red?", cleaning.decode(sentence));
            // no key: off, as in transformers since 4.45
            assertFalse(plain.cleansUpSpaces());
            assertEquals("yes . it 's red ?", plain.decode(sentence));
        }
    }

    @Test
    void aCleanUpSettingThatIsNoBooleanIsRefusedNamingFileAndKey(@TempDir Path dir) throws IOException {
        writeLlamaTokenizer(dir, "{\"clean_up_tokenization_spaces\": \"yes\"}");
        TokenizerException e = assertThrows(TokenizerException.class, () -> LlavaTokenizer.load(dir, 3));
        assertTrue(e.getMessage().contains(dir.resolve("tokenizer_config.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("clean_up_tokenization_spaces must be true or false"), e.getMessage());
    }

    @Test
    void cleanUpFollowsTransformersReplacements() {
        assertEquals("Is it? Yes, it is! I'm sure they're red. I've seen it, don't ask.",
                TokenizationSpaces.cleanUp("Is it ? Yes , it is ! I 'm sure they 're red . I 've seen it , do n't ask ."));
        assertEquals("it's", TokenizationSpaces.cleanUp("it ' s"), "\" ' \" joins both sides");
        assertEquals("  leading and trailing  ", TokenizationSpaces.cleanUp("  leading and trailing  "));
    }

    // ---- Qwen-style byte-level BPE with added tokens ----

    @Test
    void qwenDecoderSkipsSpecialAddedTokensAndKeepsTheOthers(@TempDir Path dir) throws IOException {
        QwenTokenizerSpec spec = new QwenTokenizerSpec(400);
        Files.writeString(dir.resolve("tokenizer.json"), QwenTokenizerBuilder.build(spec));
        Files.writeString(dir.resolve("tokenizer_config.json"), QwenTokenizerBuilder.tokenizerConfigJson(spec));
        JsonNode vocab = vocabulary(dir);
        long h = vocab.get("H").asLong();
        long i = vocab.get("i").asLong();
        long newline = vocab.get("Ċ").asLong(); // byte 0x0A
        long toolCall = spec.id("<tool_call>");
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(dir, QwenTokenizerBuilder.IMAGE_PAD, spec.imagePad())) {
            // <|im_start|>, <|image_pad|>, <|im_end|>, <|endoftext|> are special; <tool_call> is not
            assertEquals("Hi\n<tool_call>", tokenizer.decode(new long[] {spec.id(QwenTokenizerBuilder.IM_START), h, i,
                    spec.imagePad(), newline, toolCall, spec.imEnd(), spec.endOfText()}));
            // no leading space appears or disappears: ByteLevel gives the bytes back
            assertEquals("Hi", tokenizer.decode(new long[] {h, i}));
        }
    }

    // ---- the reference fixtures: WordLevel, no decoder (tokens joined by one space) ----

    @Test
    void referenceFixturesDecodeToTheTextTheirGeneratorRecorded() throws IOException {
        Path next = fixture("llava-next-reference");
        JsonNode vscan = JSON.readTree(next.resolve("expected.json").toFile()).get("vscan");
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(next, 3)) {
            long[] ids = JSON.convertValue(vscan.get("answer_ids"), long[].class);
            // "w192 w12 w75 ? w116 ...": the space before "?" stays, because the file sets no clean-up and an
            // absent key is off (with it on transformers would give "w75? w116")
            assertEquals("w192 w12 w75 ? w116 w116 w116 w47", vscan.get("answer").asText());
            assertEquals(vscan.get("answer").asText(), tokenizer.decode(ids));
        }
        Path qwen = fixture("qwen2_5_vl-reference");
        JsonNode expected = JSON.readTree(qwen.resolve("expected.json").toFile());
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(qwen, "<|image_pad|>", 247)) {
            long[] ids = JSON.convertValue(expected.get("answer_ids"), long[].class);
            assertEquals(expected.get("answer").asText(), tokenizer.decode(ids));
        }
    }

    // ---- helpers ----

    /** Ids of the few whole words the Llama-style file has after its 4 specials and 256 byte tokens. */
    private static final Words LLAMA_WORD_IDS = new Words(new String[] {
        "▁", "▁5", "▁the", "▁circle", "▁is", "▁red", "▁caf", "▁yes", "▁.", "▁it", "▁'s", "▁?"});

    private record Words(String[] pieces) {
        long id(String piece) {
            for (int k = 0; k < pieces.length; k++) {
                if (pieces[k].equals(piece)) {
                    return 4 + 256 + k;
                }
            }
            throw new IllegalArgumentException(piece);
        }
    }

    private static long[] ids(String... pieces) {
        long[] ids = new long[pieces.length];
        for (int k = 0; k < pieces.length; k++) {
            ids[k] = LLAMA_WORD_IDS.id(pieces[k]);
        }
        return ids;
    }

    /** Llama's byte tokens "<0x00>".."<0xFF>" follow the specials here, as they follow <unk> <s> </s> in Llama. */
    private static long byteToken(int b) {
        return 4 + b;
    }

    /**
     * A tokenizer.json laid out as llava-hf/llava-1.5-7b-hf's: Llama's normalizer (prepend "▁", spaces to "▁"),
     * a byte-fallback BPE, the &lt;s&gt; post-processor and the decoder chain Replace, ByteFallback, Fuse, Strip.
     */
    private static void writeLlamaTokenizer(Path dir, String tokenizerConfig) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", "1.0");
        root.putNull("truncation");
        root.putNull("padding");
        ArrayNode added = root.putArray("added_tokens");
        String[] specials = {"<unk>", "<s>", "</s>", "<image>"};
        for (int id = 0; id < specials.length; id++) {
            added.add(JSON.readTree("{\"id\": " + id + ", \"content\": \"" + specials[id] + "\", \"single_word\": false,"
                    + " \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}"));
        }
        root.set("normalizer", JSON.readTree("""
                {"type": "Sequence", "normalizers": [
                  {"type": "Prepend", "prepend": "▁"},
                  {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]}"""));
        root.putNull("pre_tokenizer");
        root.set("post_processor", JSON.readTree("""
                {"type": "TemplateProcessing",
                 "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
                 "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                          {"Sequence": {"id": "B", "type_id": 1}}],
                 "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}}"""));
        root.set("decoder", JSON.readTree("""
                {"type": "Sequence", "decoders": [
                  {"type": "Replace", "pattern": {"String": "▁"}, "content": " "},
                  {"type": "ByteFallback"},
                  {"type": "Fuse"},
                  {"type": "Strip", "content": " ", "start": 1, "stop": 0}]}"""));
        ObjectNode model = root.putObject("model");
        model.put("type", "BPE");
        model.putNull("dropout");
        model.put("unk_token", "<unk>");
        model.putNull("continuing_subword_prefix");
        model.putNull("end_of_word_suffix");
        model.put("fuse_unk", true);
        model.put("byte_fallback", true);
        ObjectNode vocab = model.putObject("vocab");
        for (int id = 0; id < specials.length; id++) {
            vocab.put(specials[id], id);
        }
        for (int b = 0; b < 256; b++) {
            vocab.put(String.format(Locale.ROOT, "<0x%02X>", b), byteToken(b));
        }
        for (String piece : LLAMA_WORD_IDS.pieces()) {
            vocab.put(piece, LLAMA_WORD_IDS.id(piece));
        }
        model.putArray("merges");
        Files.writeString(dir.resolve("tokenizer.json"), JSON.writeValueAsString(root));
        if (tokenizerConfig != null) {
            Files.writeString(dir.resolve("tokenizer_config.json"), tokenizerConfig);
        }
    }

    private static JsonNode vocabulary(Path dir) throws IOException {
        return JSON.readTree(dir.resolve("tokenizer.json").toFile()).path("model").path("vocab");
    }

    private static Path fixture(String name) {
        Path shared = Path.of(System.getProperty("shared.fixtures", "/work/shared/fixtures"), name);
        Path dir = Files.isDirectory(shared) ? shared : Path.of("src/test/resources", name);
        assumeTrue(Files.isRegularFile(dir.resolve("tokenizer.json")), name + " not present");
        return dir;
    }
}
