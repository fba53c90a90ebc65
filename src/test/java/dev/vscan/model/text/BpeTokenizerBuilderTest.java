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

class BpeTokenizerBuilderTest {

    @TempDir
    static Path modelDir;

    private static String tiny;
    private static LlavaTokenizer tokenizer;

    @BeforeAll
    static void buildTinyTokenizer() throws IOException {
        tiny = BpeTokenizerBuilder.build(new BpeTokenizerSpec(512));
        Files.writeString(modelDir.resolve("tokenizer.json"), tiny);
        Files.writeString(modelDir.resolve("tokenizer_config.json"), BpeTokenizerBuilder.tokenizerConfigJson());
        tokenizer = LlavaTokenizer.load(modelDir, BpeTokenizerBuilder.IMAGE);
    }

    @AfterAll
    static void closeTokenizer() {
        if (tokenizer != null) {
            tokenizer.close();
        }
    }

    @Test
    void textRoundTripsThroughEncodeAndDecode() {
        for (String text : List.of(
                "what colour is the big circle?",
                "How many red squares are there?\nThere are 12, not 3.",
                "  leading spaces, tabs\tand trailing ones  ",
                "Zebras quickly jumped over 42 lazy xylophones!",
                "unknownwordthatneverappears #$%&*() 3.14159",
                "naïve café, 東京 and emoji 🙂")) {
            long[] ids = tokenizer.encode(text);
            assertEquals(BpeTokenizerBuilder.BOS, ids[0], "BOS first for: " + text);
            assertEquals(text, tokenizer.decode(ids));
        }
    }

    @Test
    void imagePlaceholderInsideAPromptIsTheImageToken() {
        long[] ids = tokenizer.encode(LlavaPrompt.forImages(1, "is there a star?"));
        assertEquals(1, Arrays.stream(ids).filter(id -> id == BpeTokenizerBuilder.IMAGE).count());
        assertEquals(BpeTokenizerBuilder.BOS, ids[0]);
        // Special tokens are dropped by decode, the text around them stays.
        assertEquals("USER: \nis there a star? ASSISTANT:", tokenizer.decode(ids));
    }

    @Test
    void frequentWordsAreSingleTokens() {
        for (String word : List.of(" circle", " colour", " many", " the", " square")) {
            long[] ids = tokenizer.encode(word);
            assertEquals(2, ids.length, () -> "'" + word + "' -> " + Arrays.toString(ids));
            assertTrue(ids[1] >= BpeTokenizerBuilder.FIRST_MERGED_ID, "a learnt token, not a byte");
            assertEquals(word, tokenizer.decodeToken(ids[1]));
        }
    }

    @Test
    void unseenTextFallsBackToBytesWithoutUnknowns() {
        long[] ids = tokenizer.encode("qzxj");
        // <s> then one byte symbol per letter: no merge covers these pairs. Byte b has id 4 + b.
        assertArrayEquals(new long[] {1, 4 + 'q', 4 + 'z', 4 + 'x', 4 + 'j'}, ids);
    }

    @Test
    void vocabularyHasExactlyTheRequestedSize() throws IOException {
        assertEquals(512, tokenizer.vocabularySize());
        JsonNode model = new ObjectMapper().readTree(tiny).path("model");
        assertEquals("BPE", model.path("type").asText());
        assertEquals(512, model.path("vocab").size());
        assertTrue(model.path("merges").size() >= 512 - BpeTokenizerBuilder.FIRST_MERGED_ID);
        assertEquals(0, model.path("vocab").path("<unk>").asInt(-1));
        assertEquals(3, model.path("vocab").path("<image>").asInt(-1));
        // Space (byte 32) is written as U+0120 'Ġ' by the byte-level alphabet.
        assertEquals(4 + 32, model.path("vocab").path("\u0120").asInt(-1));
    }

    @Test
    void sameSpecGivesTheSameFileAndSizesDiffer() {
        assertEquals(tiny, BpeTokenizerBuilder.build(new BpeTokenizerSpec(512)));
        String larger = BpeTokenizerBuilder.build(new BpeTokenizerSpec(600));
        assertNotEquals(tiny, larger);
    }

    @Test
    void largestSupportedSizeBuilds(@TempDir Path dir) throws IOException {
        int size = BpeTokenizerSpec.MAX_VOCABULARY_SIZE;
        Files.writeString(dir.resolve("tokenizer.json"), BpeTokenizerBuilder.build(new BpeTokenizerSpec(size)));
        try (LlavaTokenizer big = LlavaTokenizer.load(dir, BpeTokenizerBuilder.IMAGE)) {
            assertEquals(size, big.vocabularySize());
            // A word from the general word list: one token in the larger vocabulary, several in the tiny one.
            assertEquals(2, big.encode(" background").length);
            assertTrue(tokenizer.encode(" background").length > 3);
        }
    }

    @Test
    void specRejectsSizesOutsideTheSupportedRange() {
        IllegalArgumentException small = assertThrows(IllegalArgumentException.class, () -> new BpeTokenizerSpec(260));
        assertTrue(small.getMessage().contains("276"), small.getMessage());
        IllegalArgumentException big = assertThrows(IllegalArgumentException.class, () -> new BpeTokenizerSpec(100_000));
        assertTrue(big.getMessage().contains("3072"), big.getMessage());
    }

    @Test
    void tokenizerConfigNamesTheSpecialTokens() throws IOException {
        JsonNode config = new ObjectMapper().readTree(BpeTokenizerBuilder.tokenizerConfigJson());
        assertEquals("<s>", config.path("bos_token").asText());
        assertEquals("</s>", config.path("eos_token").asText());
        assertEquals("<unk>", config.path("unk_token").asText());
        assertEquals("<unk>", config.path("pad_token").asText());
        assertEquals(2048, config.path("model_max_length").asInt());
        assertEquals("PreTrainedTokenizerFast", config.path("tokenizer_class").asText());
    }

    @Test
    void longPromptsAreNotTruncated() {
        String question = "what colour is the big circle ? ".repeat(200);
        long[] ids = tokenizer.encode(question);
        assertTrue(ids.length > 1200, "got " + ids.length);
        assertEquals(question, tokenizer.decode(ids));
    }
}
