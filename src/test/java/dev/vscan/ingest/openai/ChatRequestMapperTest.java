package dev.vscan.ingest.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.core.RequestLimits;
import dev.vscan.core.RequestParser;
import dev.vscan.ingest.openai.ChatRequestMapper.ChatRequest;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InferenceRequest.Part;
import dev.vscan.wire.MessageJson;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenAI chat requests as wire requests, and what is refused on the way, without a broker. */
class ChatRequestMapperTest {

    private final ChatRequestMapper mapper = new ChatRequestMapper("builtin-shapes-vqa");

    private ChatRequest map(String json) {
        return mapper.map(MessageJson.tree(json.getBytes(StandardCharsets.UTF_8)), "chatcmpl-1");
    }

    private OpenAiError refused(int status, String param, String json) {
        OpenAiError e = assertThrows(OpenAiError.class, () -> map(json));
        assertEquals(status, e.status(), e.getMessage());
        assertEquals(param, e.param(), e.getMessage());
        return e;
    }

    @Test
    void aConversationWithImagesBecomesMessagesWithImagePartsAndTheImagesInOrder() {
        ChatRequest chat = map("{\"model\":\"builtin-shapes-vqa\",\"messages\":["
                + "{\"role\":\"developer\",\"content\":\"Answer in a word.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Compare\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\"}},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://img.example/b.png\",\"detail\":\"low\"}}]},"
                + "{\"role\":\"assistant\",\"content\":\"Two circles.\"},"
                + "{\"role\":\"user\",\"content\":\"Which is bigger?\"}],"
                + "\"max_completion_tokens\":16,\"temperature\":0.5,\"top_p\":0.9,\"seed\":7,\"stop\":\"\\n\",\"n\":1,"
                + "\"stream\":true,\"stream_options\":{\"include_usage\":true},\"user\":\"u-1\","
                + "\"vscan\":{\"method\":\"vscan\",\"budget\":64}}");
        assertTrue(chat.stream());
        assertTrue(chat.includeUsage());
        InferenceRequest wire = chat.wire();
        assertEquals("chatcmpl-1", wire.id());
        assertNull(wire.prompt());
        assertEquals(List.of("system", "user", "assistant", "user"), wire.messages().stream().map(m -> m.role()).toList());
        assertEquals(List.of(Part.text("Compare"), Part.image(), Part.image()), wire.messages().get(1).content());
        assertEquals("data:image/png;base64,iVBORw0KGgo=", wire.images().get(0).data());
        assertEquals("https://img.example/b.png", wire.images().get(1).url());
        InferenceRequest.RequestOptions o = wire.options();
        assertEquals(16, o.maxNewTokens());
        assertEquals(0.5, o.temperature());
        assertEquals(0.9, o.topP());
        assertEquals(7L, o.seed());
        assertEquals(List.of("\n"), o.stop());
        assertTrue(o.streams());
        assertEquals("vscan", o.reduction());
        assertEquals(64, o.budget());
        // What the workers' parser makes of it: a valid request with the same conversation.
        RequestParser parser = new RequestParser(RequestLimits.defaults());
        RequestParser.ParsedRequest parsed = parser.parse(MessageJson.write(wire), null, Map.of());
        assertEquals(4, RequestParser.conversation(parsed.request()).size());
    }

    @Test
    void withoutModelOrReductionTheServedModelAndItsDefaultsApply() {
        ChatRequest chat = map("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"max_tokens\":5}");
        assertEquals("builtin-shapes-vqa", chat.model());
        assertFalse(chat.stream());
        assertEquals(5, chat.wire().options().maxNewTokens());
        assertNull(chat.wire().options().reduction());
        assertNull(chat.wire().options().stream(), "a request that does not stream does not ask the stream topic");
        assertNull(chat.wire().options().temperature());
    }

    @Test
    void whatThisServiceCannotHonourIsRefusedWithTheParameterNamed() {
        String hi = "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]";
        assertEquals("unsupported_value", refused(400, "n", "{" + hi + ",\"n\":3}").code());
        refused(400, "stop", "{" + hi + ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]}");
        refused(400, "stop", "{" + hi + ",\"stop\":[\"\"]}");
        refused(400, "tools", "{" + hi + ",\"tools\":[{\"type\":\"function\"}]}");
        refused(400, "logprobs", "{" + hi + ",\"logprobs\":true}");
        assertEquals("unknown_parameter", refused(400, "best_of", "{" + hi + ",\"best_of\":2}").code());
        refused(400, "stream_options", "{" + hi + ",\"stream_options\":{\"include_usage\":true}}");
        refused(400, "max_tokens", "{" + hi + ",\"max_tokens\":5,\"max_completion_tokens\":6}");
        refused(400, "temperature", "{" + hi + ",\"temperature\":3}");
        refused(400, "vscan.keep", "{" + hi + ",\"vscan\":{\"keep\":3}}");
        refused(400, "messages", "{\"messages\":[]}");
        refused(400, "messages[0].role", "{\"messages\":[{\"role\":\"tool\",\"content\":\"x\"}]}");
        refused(400, "messages[0].content[0].type", "{\"messages\":[{\"role\":\"user\",\"content\":"
                + "[{\"type\":\"input_audio\",\"input_audio\":{}}]}]}");
        refused(400, "messages[0].content[0]", "{\"messages\":[{\"role\":\"assistant\",\"content\":"
                + "[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://a.example/x.png\"}}]}]}");
        assertEquals("image_url_refused", refused(400, "messages[0].content[0].image_url.url",
                "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image_url\",\"image_url\":"
                        + "{\"url\":\"file:///etc/passwd\"}}]}]}").code());
        assertEquals("model_not_found", refused(404, "model", "{\"model\":\"gpt-4o\"," + hi + "}").code());
    }

    @Test
    void parametersAtTheirOffValueAreAccepted() {
        ChatRequest chat = map("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"frequency_penalty\":0,"
                + "\"presence_penalty\":0,\"logprobs\":false,\"tools\":[],\"tool_choice\":\"none\","
                + "\"response_format\":{\"type\":\"text\"},\"stream\":false}");
        assertFalse(chat.stream());
    }
}
