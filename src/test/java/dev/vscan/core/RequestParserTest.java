package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.core.RequestParser.ParsedRequest;
import dev.vscan.model.text.ChatMessage;
import dev.vscan.model.text.LlavaPrompt;
import dev.vscan.model.text.PromptTemplate;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestParserTest {

    private final RequestParser parser = new RequestParser(new RequestLimits(8, 100, 256));

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private ParsedRequest parse(String json) {
        return parser.parse(bytes(json), null, Map.of());
    }

    private InvalidRequestException refused(Code code, String json) {
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> parse(json));
        assertEquals(code, e.code(), e.getMessage());
        return e;
    }

    private static String images(int n) {
        return "[" + String.join(",", Collections.nCopies(n, "{\"url\":\"https://img.example/a.png\"}")) + "]";
    }

    @Test
    void validRequestIsBoundWithItsOptions() {
        ParsedRequest parsed = parse("{\"id\":\"req-1\",\"images\":[{\"data\":\"iVBORw0KGgo=\"},"
                + "{\"url\":\"https://img.example/b.png\"}],\"prompt\":\"<image> or <image>?\","
                + "\"options\":{\"max_new_tokens\":64,\"temperature\":0.2,\"reduction\":\"pdrop\",\"budget\":128}}");
        assertEquals("req-1", parsed.id());
        assertEquals("req-1", parsed.request().id());
        assertEquals(2, parsed.request().images().size());
        assertEquals("https://img.example/b.png", parsed.request().images().get(1).url());
        assertEquals("<image> or <image>?", parsed.request().prompt());
        assertEquals(64, parsed.request().options().maxNewTokens());
        assertEquals("pdrop", parsed.request().options().reduction());
        assertEquals(128, parsed.request().options().budget());
    }

    @Test
    void absentImagesAndOptionsBecomeEmptyAndDefaults() {
        ParsedRequest parsed = parse("{\"id\":\"t\",\"prompt\":\"what is 2+2?\"}");
        assertEquals(List.of(), parsed.request().images());
        assertEquals(InferenceRequest.RequestOptions.defaults(), parsed.request().options());
    }

    // ---- one case per code ----

    @Test
    void notJsonIsMalformed() {
        InvalidRequestException e = refused(Code.MALFORMED_JSON, "{\"prompt\": \"unterminated");
        assertTrue(e.getMessage().startsWith("request is not valid JSON: "), e.getMessage());
        refused(Code.MALFORMED_JSON, "");
        refused(Code.MALFORMED_JSON, "{\"prompt\":\"a\",\"prompt\":\"b\"}");
        InvalidRequestException tombstone = assertThrows(InvalidRequestException.class,
                () -> parser.parse(null, "k", Map.of()));
        assertEquals(Code.MALFORMED_JSON, tombstone.code());
    }

    @Test
    void schemaViolationsAreListedWithTheirFields() {
        InvalidRequestException e = refused(Code.SCHEMA_VIOLATION, "{\"images\":[],\"stream\":true}");
        assertTrue(e.getMessage().startsWith("request does not match the schema: "), e.getMessage());
        assertTrue(e.getMessage().contains("'prompt'") && e.getMessage().contains("'stream'"), e.getMessage());
        refused(Code.SCHEMA_VIOLATION, "[\"not\", \"an\", \"object\"]");
        refused(Code.SCHEMA_VIOLATION, "{\"prompt\":\"q\",\"images\":[{\"url\":\"file:///etc/passwd\"}]}");
    }

    @Test
    void violationsInOptionsAndElsewhereAreASchemaViolation() {
        InvalidRequestException e = refused(Code.SCHEMA_VIOLATION, "{\"options\":{\"top_p\":2}}");
        assertTrue(e.getMessage().contains("/options/top_p") && e.getMessage().contains("'prompt'"), e.getMessage());
    }

    @Test
    void moreImagesThanTheLimitAreTooMany() {
        InvalidRequestException e = refused(Code.TOO_MANY_IMAGES, "{\"prompt\":\"q\",\"images\":" + images(9) + "}");
        assertEquals("request has 9 images; the limit is 8", e.getMessage());
        // over the schema's own 64 too: still the specific code, not a schema violation
        refused(Code.TOO_MANY_IMAGES, "{\"prompt\":\"q\",\"images\":" + images(65) + "}");
        assertEquals(8, parse("{\"prompt\":\"q\",\"images\":" + images(8) + "}").request().images().size());
    }

    @Test
    void placeholdersMustMatchTheImages() {
        InvalidRequestException e = refused(Code.PROMPT_MISMATCH,
                "{\"prompt\":\"<image> vs <image>\",\"images\":" + images(3) + "}");
        assertEquals("/prompt: has 2 <image> placeholders but the request has 3 images; put one placeholder per"
                + " image, or none to place the images first", e.getMessage());
        refused(Code.PROMPT_MISMATCH, "{\"prompt\":\"<image> what?\"}");
        assertDoesNotThrow(() -> parse("{\"prompt\":\"compare them\",\"images\":" + images(3) + "}"));
        assertDoesNotThrow(() -> parse("{\"prompt\":\"<image><image><image>\",\"images\":" + images(3) + "}"));
    }

    @Test
    void unknownReductionIsAnInvalidOption() {
        InvalidRequestException e = refused(Code.INVALID_OPTIONS, "{\"prompt\":\"q\",\"options\":{\"reduction\":\"zip\"}}");
        assertTrue(e.getMessage().contains("/options/reduction") && e.getMessage().contains("vscan-nomerge"),
                e.getMessage());
    }

    @Test
    void budgetExcludesExplicitCounts() {
        InvalidRequestException e = refused(Code.INVALID_OPTIONS,
                "{\"prompt\":\"q\",\"options\":{\"reduction\":\"vscan\",\"budget\":64,\"r1\":96}}");
        assertTrue(e.getMessage().startsWith("/options: ") && e.getMessage().contains("exclude each other"),
                e.getMessage());
        // the rule holds without a method name too
        refused(Code.INVALID_OPTIONS, "{\"prompt\":\"q\",\"options\":{\"budget\":64,\"layer\":2}}");
    }

    @Test
    void theAuthorsRatiosAreReadAndCheckedAgainstCounts() {
        assertDoesNotThrow(() -> parse("{\"prompt\":\"q\",\"options\":{\"reduction\":\"vscan\","
                + "\"r1_ratio\":0.5,\"r2_ratio\":0.333}}"));
        InvalidRequestException both = refused(Code.INVALID_OPTIONS,
                "{\"prompt\":\"q\",\"options\":{\"reduction\":\"vscan\",\"r1\":36,\"r1_ratio\":0.5}}");
        assertTrue(both.getMessage().contains("a count or by a ratio"), both.getMessage());
        refused(Code.INVALID_OPTIONS, "{\"prompt\":\"q\",\"options\":{\"reduction\":\"vscan\",\"r2_ratio\":1.5}}");
    }

    @Test
    void stageCountsAreComparedOnlyAgainstAModel() {
        // on LLaVA-NeXT r1 counts per crop and r2 per image, so r2 > r1 is fine until a model says otherwise
        assertDoesNotThrow(() -> parse("{\"prompt\":\"q\",\"options\":{\"reduction\":\"vscan\",\"r1\":32,\"r2\":64}}"));
        assertDoesNotThrow(() -> parse(
                "{\"prompt\":\"q\",\"options\":{\"reduction\":\"vscan\",\"r1\":64,\"r2\":64,\"layer\":16}}"));
    }

    @Test
    void sizesWithoutAMethodAreRefusedWhenParsedAsTheyWouldBeWhenPrepared() {
        InvalidRequestException e = refused(Code.INVALID_OPTIONS, "{\"prompt\":\"q\",\"options\":{\"r1\":32}}");
        assertTrue(e.getMessage().contains("method none"), e.getMessage());
    }

    @Test
    void methodNoneTakesNoSize() {
        InvalidRequestException e = refused(Code.INVALID_OPTIONS,
                "{\"prompt\":\"q\",\"options\":{\"reduction\":\"none\",\"budget\":64}}");
        assertTrue(e.getMessage().contains("method none"), e.getMessage());
    }

    @Test
    void positionsAreAnOptionWithTwoValues() {
        ParsedRequest parsed = parse(
                "{\"prompt\":\"q\",\"options\":{\"reduction\":\"vscan\",\"budget\":64,\"positions\":\"original\"}}");
        assertEquals("original", parsed.request().options().positions());
        InvalidRequestException unknown = refused(Code.INVALID_OPTIONS,
                "{\"prompt\":\"q\",\"options\":{\"reduction\":\"vscan\",\"positions\":\"sideways\"}}");
        assertTrue(unknown.getMessage().contains("/options/positions") && unknown.getMessage().contains("original"),
                unknown.getMessage());
        InvalidRequestException noReduction = refused(Code.INVALID_OPTIONS,
                "{\"prompt\":\"q\",\"options\":{\"reduction\":\"none\",\"positions\":\"original\"}}");
        assertTrue(noReduction.getMessage().contains("method none drops no token"), noReduction.getMessage());
    }

    @Test
    void serviceLimitsBelowTheSchemaApply() {
        InvalidRequestException tokens = refused(Code.INVALID_OPTIONS,
                "{\"prompt\":\"q\",\"options\":{\"max_new_tokens\":257}}");
        assertEquals("/options: max_new_tokens 257 exceeds this service's limit of 256", tokens.getMessage());
        InvalidRequestException prompt = refused(Code.SCHEMA_VIOLATION, "{\"prompt\":\"" + "x".repeat(101) + "\"}");
        assertEquals("/prompt: has 101 characters; the limit is 100", prompt.getMessage());
        // characters are code points: 100 emoji are 200 UTF-16 units but within the limit
        assertDoesNotThrow(() -> parse("{\"prompt\":\"" + "\uD83D\uDE00".repeat(100) + "\"}"));
    }

    // ---- ids ----

    @Test
    void idComesFromBodyThenHeaderThenKey() {
        String withId = "{\"id\":\"from-body\",\"prompt\":\"q\"}";
        String withoutId = "{\"prompt\":\"q\"}";
        Map<String, String> header = Map.of("x-request-id", "from-header");
        assertEquals("from-body", parser.parse(bytes(withId), "from-key", header).id());
        assertEquals("from-header", parser.parse(bytes(withoutId), "from-key", header).id());
        assertEquals("from-header", parser.parse(bytes(withoutId), null, Map.of("X-Request-ID", "from-header")).id());
        assertEquals("from-key", parser.parse(bytes(withoutId), "from-key", Map.of()).id());
        assertEquals("from-key", parser.parse(bytes(withoutId), "from-key", null).id());
        ParsedRequest generated = parser.parse(bytes(withoutId), null, null);
        assertEquals(generated.id(), UUID.fromString(generated.id()).toString());
        assertEquals(generated.id(), generated.request().id());
        assertNotEquals(generated.id(), parser.parse(bytes(withoutId), "", Map.of()).id());
    }

    @Test
    void invalidHeaderOrKeyUsedAsIdIsRefused() {
        InvalidRequestException header = assertThrows(InvalidRequestException.class,
                () -> parser.parse(bytes("{\"prompt\":\"q\"}"), null, Map.of("x-request-id", "two words")));
        assertEquals(Code.INVALID_HEADER, header.code());
        assertTrue(header.getMessage().startsWith("header x-request-id 'two words' "), header.getMessage());
        InvalidRequestException key = assertThrows(InvalidRequestException.class,
                () -> parser.parse(bytes("{\"prompt\":\"q\"}"), "user/42", Map.of()));
        assertEquals(Code.INVALID_KEY, key.code());
        assertTrue(key.getMessage().startsWith("record key 'user/42' "), key.getMessage());
        // a body id wins, so a bad header beside it does not matter
        assertEquals("ok", parser.parse(bytes("{\"id\":\"ok\",\"prompt\":\"q\"}"), "user/42",
                Map.of("x-request-id", "two words")).id());
    }

    @Test
    void replyIdIsFoundEvenForBrokenRequests() {
        assertEquals("b", RequestParser.idForReply(bytes("{\"id\":\"b\",\"prompt\":5}"), "k", Map.of("x-request-id", "h")));
        assertEquals("h", RequestParser.idForReply(bytes("{\"id\":\"b\""), "k", Map.of("x-request-id", "h")));
        assertEquals("k", RequestParser.idForReply(bytes("{\"id\":\"b c\"}"), "k", Map.of("x-request-id", "h i")));
        String random = RequestParser.idForReply(null, "not valid", null);
        assertEquals(random, UUID.fromString(random).toString());
    }

    // ---- prompts ----

    @Test
    void plainPromptGetsOnePlaceholderPerImageInFront() {
        assertEquals("<image>\n<image>\nwhich is bigger?", RequestParser.placeholderPrompt("which is bigger?", 2));
        assertEquals("hello", RequestParser.placeholderPrompt("hello", 0));
        assertEquals("compare <image> to <image>", RequestParser.placeholderPrompt("compare <image> to <image>", 2));
    }

    @Test
    void wrappedPlaceholderPromptIsTheLlavaTemplate() {
        for (int images = 0; images <= 3; images++) {
            assertEquals(LlavaPrompt.forImages(images, "what is in the picture?"),
                    LlavaPrompt.forPrompt(RequestParser.placeholderPrompt("what is in the picture?", images)));
        }
        assertEquals("USER: <image>\nwhat colour is the big circle ? ASSISTANT:",
                LlavaPrompt.forPrompt(RequestParser.placeholderPrompt("what colour is the big circle ?", 1)));
    }

    @Test
    void aPromptIsOneUserTurnWithItsImagesFirstUnlessItPlacesThem() {
        assertEquals(ChatMessage.user(2, "which is bigger?"), RequestParser.userTurn("which is bigger?", 2));
        assertEquals(ChatMessage.user("compare <image> to <image>"), RequestParser.userTurn("compare <image> to <image>", 2));
        for (String prompt : List.of("which is bigger?", "compare <image> to <image>")) {
            assertEquals(LlavaPrompt.forPrompt(RequestParser.placeholderPrompt(prompt, 2)),
                    PromptTemplate.VICUNA.render(List.of(RequestParser.userTurn(prompt, 2))));
        }
    }

    @Test
    void placeholdersAreCountedWithoutOverlap() {
        assertEquals(0, RequestParser.countPlaceholders("an image"));
        assertEquals(2, RequestParser.countPlaceholders("<image><image>"));
        assertEquals(1, RequestParser.countPlaceholders("<image>image>"));
    }

    private static final String TWO_IMAGES = "\"images\":[{\"url\":\"https://img.example/a.png\"},"
            + "{\"url\":\"https://img.example/b.png\"}]";

    @Test
    void aConversationTakesTheImagesInTheOrderOfItsImageParts() {
        ParsedRequest parsed = parse("{" + TWO_IMAGES + ",\"messages\":["
                + "{\"role\":\"system\",\"content\":[{\"type\":\"text\",\"text\":\"Be brief.\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"image\"},{\"type\":\"text\",\"text\":\"What is it?\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"A circle.\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"And here?\"},{\"type\":\"image\"}]}],"
                + "\"options\":{\"stream\":true,\"stop\":[\"\\n\",\"END\"]}}");
        List<ChatMessage> turns = RequestParser.conversation(parsed.request());
        assertEquals(List.of("system", "user", "assistant", "user"), turns.stream().map(ChatMessage::role).toList());
        assertEquals(1, turns.get(1).imageCount());
        assertEquals("And here?", turns.get(3).text());
        assertTrue(turns.get(3).parts().get(1) instanceof dev.vscan.model.text.ContentPart.Image);
        assertTrue(parsed.request().options().streams());
        assertEquals(List.of("\n", "END"), parsed.request().options().stopStrings());
        // Rendered by the built-in vicuna prompt: the system text, then the turns, the images where their parts are.
        assertEquals("Be brief. USER: <image>\nWhat is it? ASSISTANT: A circle. USER: <image>\nAnd here? ASSISTANT:",
                PromptTemplate.VICUNA.render(turns));
    }

    @Test
    void aPromptIsOneUserTurnOfTheConversation() {
        ParsedRequest parsed = parse("{\"images\":" + images(1) + ",\"prompt\":\"What is it?\"}");
        assertEquals(List.of(ChatMessage.user(1, "What is it?")), RequestParser.conversation(parsed.request()));
    }

    @Test
    void aConversationIsRefusedWhenItsImagePartsAndImagesDisagree() {
        refused(Code.PROMPT_MISMATCH, "{" + TWO_IMAGES + ",\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"image\"},{\"type\":\"text\",\"text\":\"?\"}]}]}");
        refused(Code.PROMPT_MISMATCH, "{\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"<image> what?\"}]}]}");
    }

    @Test
    void aConversationMustEndWithAUserTurnAndKeepImagesInUserTurns() {
        InvalidRequestException last = refused(Code.INVALID_MESSAGES, "{\"messages\":["
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]},"
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"hello\"}]}]}");
        assertTrue(last.getMessage().contains("must end with a user turn"), last.getMessage());
        refused(Code.INVALID_MESSAGES, "{\"images\":" + images(1) + ",\"messages\":["
                + "{\"role\":\"assistant\",\"content\":[{\"type\":\"image\"}]},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"?\"}]}]}");
    }

    @Test
    void aRequestHasAPromptOrMessagesButNotBoth() {
        InvalidRequestException neither = refused(Code.SCHEMA_VIOLATION, "{\"images\":[]}");
        assertTrue(neither.getMessage().contains("prompt"), neither.getMessage());
        InvalidRequestException both = refused(Code.SCHEMA_VIOLATION, "{\"prompt\":\"hi\",\"messages\":"
                + "[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]}]}");
        assertTrue(both.getMessage().contains("/prompt"), both.getMessage());
        refused(Code.SCHEMA_VIOLATION, "{\"messages\":[{\"role\":\"tool\",\"content\":"
                + "[{\"type\":\"text\",\"text\":\"hi\"}]}]}");
    }

    @Test
    void stopStringsAreAtMostFourAndNotEmpty() {
        refused(Code.INVALID_OPTIONS, "{\"prompt\":\"hi\",\"options\":{\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}}");
        refused(Code.INVALID_OPTIONS, "{\"prompt\":\"hi\",\"options\":{\"stop\":[\"\"]}}");
        refused(Code.INVALID_OPTIONS, "{\"prompt\":\"hi\",\"options\":{\"stream\":\"yes\"}}");
    }
}
