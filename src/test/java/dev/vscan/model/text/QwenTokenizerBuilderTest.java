package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Qwen-style byte-level BPE: Qwen's added tokens after the trained vocabulary, no BOS, exact round trips. */
class QwenTokenizerBuilderTest {

    private static final QwenTokenizerSpec SPEC = new QwenTokenizerSpec(480);

    @TempDir
    static Path modelDir;

    private static String json;
    private static LlavaTokenizer tokenizer;

    @BeforeAll
    static void build() throws IOException {
        json = QwenTokenizerBuilder.build(SPEC);
        Files.writeString(modelDir.resolve("tokenizer.json"), json);
        Files.writeString(modelDir.resolve("tokenizer_config.json"), QwenTokenizerBuilder.tokenizerConfigJson(SPEC));
        tokenizer = LlavaTokenizer.load(modelDir, QwenTokenizerBuilder.IMAGE_PAD, SPEC.imagePad());
    }

    @AfterAll
    static void close() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void addedTokensFollowTheVocabularyInQwensOrder() {
        assertEquals(480, SPEC.endOfText());
        assertEquals(482, SPEC.imEnd());
        assertEquals(489, SPEC.visionStart());
        assertEquals(490, SPEC.visionEnd());
        assertEquals(491, SPEC.visionPad());
        assertEquals(492, SPEC.imagePad());
        assertEquals(493, SPEC.videoPad());
        assertEquals(502, SPEC.size());
        assertEquals(502, tokenizer.vocabularySize());
        for (String token : QwenTokenizerBuilder.ADDED_TOKENS) {
            assertArrayEquals(new long[] {SPEC.id(token)}, tokenizer.encode(token, false), token);
        }
    }

    @Test
    void aChatPromptEncodesWithoutBosAndItsSpecialTokensWhole() {
        String prompt = "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>what colour is the big circle?"
                + "<|im_end|>\n<|im_start|>assistant\n";
        long[] ids = tokenizer.encode(prompt, true);
        assertEquals(SPEC.id(QwenTokenizerBuilder.IM_START), ids[0]);
        long images = Arrays.stream(ids).filter(id -> id == SPEC.imagePad()).count();
        assertEquals(1, images);
        int at = Arrays.stream(ids).boxed().toList().indexOf((long) SPEC.imagePad());
        assertEquals(SPEC.visionStart(), ids[at - 1]);
        assertEquals(SPEC.visionEnd(), ids[at + 1]);
        // special tokens are left out of the decoded text
        assertEquals("user\nwhat colour is the big circle?\nassistant\n", tokenizer.decode(ids));
    }

    @Test
    void textRoundTripsAndDigitsAreSingleTokens() {
        for (String text : List.of("what colour is the big circle?", "How many red squares?\nThere are 12, not 3.",
                "  leading spaces, tabs\tand trailing ones  ", "naïve café, 東京 and emoji 🙂")) {
            long[] ids = tokenizer.encode(text, true);
            assertTrue(Arrays.stream(ids).allMatch(id -> id < SPEC.bpeVocabularySize()), text);
            assertEquals(text, tokenizer.decode(ids));
        }
        // Qwen's split cuts numbers into digits, so "2026" is four tokens
        assertEquals(4, tokenizer.encode("2026", false).length);
        assertEquals(1, tokenizer.encode(" circle", false).length);
    }

    @Test
    void sameSpecGivesTheSameFileAndSizesDiffer() {
        assertEquals(json, QwenTokenizerBuilder.build(SPEC));
        assertNotEquals(json, QwenTokenizerBuilder.build(new QwenTokenizerSpec(400)));
    }

    @Test
    void largestSupportedSizeBuilds() throws IOException {
        JsonNode root = new ObjectMapper().readTree(QwenTokenizerBuilder.build(
                new QwenTokenizerSpec(QwenTokenizerSpec.MAX_BPE_VOCABULARY_SIZE)));
        assertEquals(QwenTokenizerSpec.MAX_BPE_VOCABULARY_SIZE, root.get("model").get("vocab").size());
        assertThrows(IllegalArgumentException.class, () -> new QwenTokenizerSpec(271));
        assertThrows(IllegalArgumentException.class,
                () -> new QwenTokenizerSpec(QwenTokenizerSpec.MAX_BPE_VOCABULARY_SIZE + 1));
    }

    @Test
    void tokenizerConfigIsQwens() throws IOException {
        JsonNode config = new ObjectMapper().readTree(QwenTokenizerBuilder.tokenizerConfigJson(SPEC));
        assertTrue(config.get("bos_token").isNull());
        assertEquals("<|im_end|>", config.get("eos_token").asText());
        assertEquals("<|endoftext|>", config.get("pad_token").asText());
        assertEquals("<|image_pad|>", config.get("added_tokens_decoder").get("492").get("content").asText());
        assertEquals(22, config.get("added_tokens_decoder").size());
        assertEquals(13, config.get("additional_special_tokens").size());
    }
}
