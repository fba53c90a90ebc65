package dev.vscan.ingest.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.ingest.ProblemException;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.InferenceResult.Status;
import dev.vscan.wire.InferenceResult.TokenCounts;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.MessageJson;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Results in OpenAI's response shapes, SSE frames, and failures as OpenAI error objects. */
class ChatResponsesTest {

    private final ChatResponses shapes = new ChatResponses("chatcmpl-9", 1700000000L, "m");

    private static InferenceResult ok(String answer, InferenceResult.FinishReason finish) {
        return new InferenceResult("chatcmpl-9", Status.ok, answer, null, new TokenCounts(100, 20, 64, 5, 256, 16), null,
                "m", finish);
    }

    @Test
    void aCompletionHasOpenAisFieldsAndTheVisualTokensInTheUsageExtension() {
        JsonNode c = shapes.completion(ok("red", InferenceResult.FinishReason.length));
        assertEquals("chatcmpl-9", c.get("id").asText());
        assertEquals("chat.completion", c.get("object").asText());
        assertEquals(1700000000L, c.get("created").asLong());
        assertEquals("m", c.get("model").asText());
        assertTrue(c.get("system_fingerprint").isNull());
        assertEquals(0, c.at("/choices/0/index").asInt());
        assertEquals("assistant", c.at("/choices/0/message/role").asText());
        assertEquals("red", c.at("/choices/0/message/content").asText());
        assertEquals("length", c.at("/choices/0/finish_reason").asText());
        assertEquals(100, c.at("/usage/prompt_tokens").asInt());
        assertEquals(5, c.at("/usage/completion_tokens").asInt());
        assertEquals(105, c.at("/usage/total_tokens").asInt());
        assertEquals(256, c.at("/usage/vscan/visual_tokens_in").asInt());
        assertEquals(64, c.at("/usage/vscan/visual_tokens_after_stage1").asInt());
        assertEquals(16, c.at("/usage/vscan/visual_tokens_after_stage2").asInt());
    }

    @Test
    void chunksCarryTheRoleFirstThenContentThenTheFinishAndTheUsageWithoutChoices() {
        JsonNode role = shapes.roleChunk();
        assertEquals("chat.completion.chunk", role.get("object").asText());
        assertEquals("assistant", role.at("/choices/0/delta/role").asText());
        assertTrue(role.at("/choices/0/finish_reason").isNull());
        assertEquals("re", shapes.contentChunk("re").at("/choices/0/delta/content").asText());
        JsonNode finish = shapes.finishChunk(ok("red", InferenceResult.FinishReason.stop));
        assertEquals("stop", finish.at("/choices/0/finish_reason").asText());
        assertEquals(0, finish.at("/choices/0/delta").size(), "the finish chunk's delta is empty");
        JsonNode usage = shapes.usageChunk(ok("red", InferenceResult.FinishReason.stop));
        assertEquals(0, usage.get("choices").size());
        assertEquals(105, usage.at("/usage/total_tokens").asInt());
    }

    @Test
    void sseFramesAreOneDataLineEachAndDoneLast() {
        String frame = SseFrames.data(shapes.contentChunk("a\nb")).toString(StandardCharsets.UTF_8);
        assertTrue(frame.startsWith("data: {") && frame.endsWith("}\n\n"), frame);
        assertEquals(1, frame.strip().split("\n").length, "a newline in the text is escaped in the JSON: " + frame);
        assertEquals("data: [DONE]\n\n", SseFrames.done().toString(StandardCharsets.UTF_8));
    }

    @Test
    void failuresBecomeOpenAiErrorsWithTheirStatus() {
        OpenAiError refused = OpenAiError.of(InferenceResult.failure("x", Status.invalid, "image_url_refused",
                "image 0: 127.0.0.1 is a loopback address", "m"));
        assertEquals(400, refused.status());
        JsonNode body = MessageJson.tree(refused.body());
        assertEquals("invalid_request_error", body.at("/error/type").asText());
        assertEquals("image_url_refused", body.at("/error/code").asText());
        assertTrue(body.at("/error/param").isNull(), "param is there, as null");
        assertEquals("image 0: 127.0.0.1 is a loopback address", body.at("/error/message").asText());
        assertEquals(504, OpenAiError.of(InferenceResult.failure("x", Status.expired, "deadline_exceeded", "late", "m"))
                .status());
        assertEquals(500, OpenAiError.of(InferenceResult.failure("x", Status.error, "engine_failure", "oom", "m"))
                .status());
        OpenAiError busy = OpenAiError.of(ProblemException.backlogFull(null, 5000, 7));
        assertEquals(429, busy.status());
        assertEquals("7", busy.headers().get("Retry-After"));
        assertEquals("rate_limit_error", busy.type());
        assertEquals(401, OpenAiError.of(ProblemException.missingApiKey()).status());
        assertEquals(413, OpenAiError.of(ProblemException.tooLarge(null, 10, 5)).status());
        assertEquals("malformed_json", OpenAiError.of(new InvalidRequestException(
                InvalidRequestException.Code.MALFORMED_JSON, "bad")).code());
    }
}
