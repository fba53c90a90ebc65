package dev.vscan.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.wire.InferenceResult.Status;
import dev.vscan.wire.InferenceResult.Timings;
import dev.vscan.wire.InferenceResult.TokenCounts;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageJsonTest {

    private static String text(Object message) {
        return new String(MessageJson.write(message), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void resultIsWrittenInSnakeCaseWithoutNulls() {
        InferenceResult result = new InferenceResult("req-1", Status.ok, "a cat", null,
                new TokenCounts(600, 20, 576, 5), new Timings(1.5, 2, 3, 4, 10.5, 5.5, 1.25), "llava-1.5-7b");
        assertEquals("{\"id\":\"req-1\",\"status\":\"ok\",\"answer\":\"a cat\","
                + "\"tokens\":{\"prompt\":600,\"text\":20,\"visual\":576,\"generated\":5},"
                + "\"timings\":{\"queue_ms\":1.5,\"vision_ms\":2.0,\"prefill_ms\":3.0,\"decode_ms\":4.0,\"total_ms\":10.5,"
                + "\"first_token_ms\":5.5,\"per_token_ms\":1.25},"
                + "\"model\":\"llava-1.5-7b\"}", text(result));
    }

    @Test
    void failureCarriesItsCodeAndLowerCaseStatus() {
        assertEquals("{\"id\":\"r\",\"status\":\"invalid\",\"error\":{\"code\":\"too_many_images\",\"message\":\"m\"}}",
                text(InferenceResult.failure("r", Status.invalid, "too_many_images", "m", null)));
    }

    @Test
    void deadLetterAndTelemetryFieldsAreSnakeCaseButMapKeysStayAsGiven() {
        DeadLetterRecord dead = new DeadLetterRecord(null, "malformed_json", "bad", null, "AAE=",
                Map.of("X-Request-Id", "r1"), "vscan.requests", 0, 7L, 5L);
        assertEquals("{\"code\":\"malformed_json\",\"reason\":\"bad\",\"payload_base64\":\"AAE=\","
                + "\"headers\":{\"X-Request-Id\":\"r1\"},\"topic\":\"vscan.requests\",\"partition\":0,\"offset\":7,"
                + "\"timestamp\":5}", text(dead));
        TelemetryEvent event = new TelemetryEvent("r", "m", "w0", "vscan", 2, 3.5, 8, 1.5, 3, Map.of("flopsRatio", 0.5), 9L);
        assertEquals("{\"id\":\"r\",\"model\":\"m\",\"worker\":\"w0\",\"reduction\":\"vscan\",\"batch_size\":2,"
                + "\"queue_wait_ms\":3.5,\"time_to_first_token_ms\":8.0,\"ms_per_output_token\":1.5,\"decode_batch\":3.0,"
                + "\"efficiency\":{\"flopsRatio\":0.5},\"timestamp\":9}", text(event));
    }

    @Test
    void requestIsReadFromSnakeCase() {
        InferenceRequest request = MessageJson.read(bytes("{\"id\":\"a\",\"images\":[{\"url\":\"https://x/y.png\"}],"
                + "\"prompt\":\"q\",\"options\":{\"max_new_tokens\":32,\"top_p\":0.9,\"seed\":-3,\"r1\":96}}"),
                InferenceRequest.class);
        assertEquals("https://x/y.png", request.images().get(0).url());
        assertNull(request.images().get(0).data());
        assertEquals(32, request.options().maxNewTokens());
        assertEquals(0.9, request.options().topP());
        assertEquals(-3L, request.options().seed());
        assertEquals(96, request.options().r1());
        assertNull(request.options().budget());
    }

    @Test
    void unknownPropertiesAreLeftToTheSchema() {
        InferenceRequest request = MessageJson.read(bytes("{\"prompt\":\"q\",\"stream\":true}"), InferenceRequest.class);
        assertEquals("q", request.prompt());
    }

    @Test
    void treeRefusesWhatIsNotExactlyOneJsonValue() {
        assertTrue(assertThrows(UncheckedIOException.class, () -> MessageJson.tree(new byte[0])).getMessage()
                .contains("0 bytes"));
        assertThrows(UncheckedIOException.class, () -> MessageJson.tree(bytes("{\"a\":1} {\"b\":2}")));
        UncheckedIOException duplicate = assertThrows(UncheckedIOException.class,
                () -> MessageJson.tree(bytes("{\"prompt\":\"a\",\"prompt\":\"b\"}")));
        assertTrue(duplicate.getMessage().contains("Duplicate field 'prompt'"), duplicate.getMessage());
        UncheckedIOException broken = assertThrows(UncheckedIOException.class, () -> MessageJson.tree(bytes("{\"a\":")));
        assertTrue(broken.getMessage().contains("line 1"), broken.getMessage());
    }
}
