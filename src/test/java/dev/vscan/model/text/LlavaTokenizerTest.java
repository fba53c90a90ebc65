package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against the tiny reference checkpoint's WordLevel tokenizer.json (skipped where it is absent). */
class LlavaTokenizerTest {

    private static Path referenceDir() {
        Path configured = Path.of(System.getProperty("shared.fixtures", "/work/shared/fixtures"), "llava-reference");
        Path dir = Files.isDirectory(configured) ? configured : Path.of("/work/shared/fixtures/llava-reference");
        assumeTrue(Files.isRegularFile(dir.resolve("tokenizer.json")), "reference checkpoint not present");
        return dir;
    }

    @Test
    void encodesTheReferencePromptLikeExpectedJson() {
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(referenceDir(), 3)) {
            long[] ids = tokenizer.encode(LlavaPrompt.forImages(1, "what colour is the big circle ?"));
            // expected.json "input_ids": <s> USER: <image> what colour is the big circle ? ASSISTANT:
            assertArrayEquals(new long[] {1, 4, 3, 6, 7, 8, 9, 10, 11, 12, 5}, ids);
        }
    }

    @Test
    void decodesTheReferenceAnswer() {
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(referenceDir(), 3)) {
            // expected.json "answer_ids" -> "answer". The file has no decoder, and the tokenizers library
            // then joins the tokens with single spaces, which is exactly the reference answer.
            assertEquals("w192 w75 w175 w167 w169 big w145 w38",
                    tokenizer.decode(new long[] {218, 101, 201, 193, 195, 10, 171, 64}));
        }
    }

    @Test
    void decodeSkipsSpecialTokens() {
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(referenceDir(), 3)) {
            assertEquals("what colour", tokenizer.decode(new long[] {1, 3, 6, 7, 2}));
            assertEquals("circle", tokenizer.decodeToken(11));
            assertEquals("", tokenizer.decodeToken(2));
        }
    }

    @Test
    void vocabularySizeMatchesTheModelConfig() {
        try (LlavaTokenizer tokenizer = LlavaTokenizer.load(referenceDir(), 3)) {
            // config.json text_config.vocab_size
            assertEquals(226, tokenizer.vocabularySize());
        }
    }

    @Test
    void wrongImageTokenIdIsReported() {
        TokenizerException e = assertThrows(TokenizerException.class, () -> LlavaTokenizer.load(referenceDir(), 32000));
        assertTrue(e.getMessage().contains("has no <image> token with id 32000"), e.getMessage());
    }

    @Test
    void missingFileNamesThePath(@TempDir Path empty) {
        TokenizerException e = assertThrows(TokenizerException.class, () -> LlavaTokenizer.load(empty, 3));
        assertTrue(e.getMessage().contains(empty.resolve("tokenizer.json").toString()), e.getMessage());
    }

    @Test
    void unreadableJsonNamesThePath(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("tokenizer.json"), "{ not json");
        TokenizerException e = assertThrows(TokenizerException.class, () -> LlavaTokenizer.load(dir, 3));
        assertTrue(e.getMessage().contains(dir.resolve("tokenizer.json").toString()), e.getMessage());
    }
}
