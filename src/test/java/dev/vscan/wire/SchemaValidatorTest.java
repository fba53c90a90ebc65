package dev.vscan.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vscan.wire.InferenceRequest.ImageInput;
import dev.vscan.wire.InferenceRequest.RequestOptions;
import dev.vscan.wire.InferenceResult.Status;
import dev.vscan.wire.InferenceResult.Timings;
import dev.vscan.wire.InferenceResult.TokenCounts;
import dev.vscan.reduction.EfficiencyReport;
import dev.vscan.reduction.ReductionMethod;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SchemaValidatorTest {

    private static final SchemaValidator REQUEST = SchemaValidator.of(MessageSchema.INFERENCE_REQUEST);
    private static final SchemaValidator RESULT = SchemaValidator.of(MessageSchema.INFERENCE_RESULT);
    private static final SchemaValidator TELEMETRY = SchemaValidator.of(MessageSchema.TELEMETRY_EVENT);
    private static final SchemaValidator DEAD_LETTER = SchemaValidator.of(MessageSchema.DEAD_LETTER_RECORD);

    private static JsonNode json(Object message) {
        return MessageJson.tree(MessageJson.write(message));
    }

    private static JsonNode json(String text) {
        return MessageJson.tree(text.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode fullRequest() {
        return (ObjectNode) json(new InferenceRequest("req-42:a_b.c",
                List.of(new ImageInput("iVBORw0KGgo=", null), new ImageInput(null, "https://images.example/cat.png")),
                "USER: <image> and <image>: which one is a cat?",
                new RequestOptions(64, 0.7, 0.9, 1234L, "vscan", null, 288, 96, 16, "original", null, null, null)));
    }

    /** Asserts exactly one violation, at {@code pointer}, and returns it. */
    private static String onlyViolation(SchemaValidator validator, JsonNode message, String pointer) {
        List<String> violations = validator.validate(message);
        assertTrue(violations.stream().allMatch(v -> v.startsWith(pointer + ": ")),
                "expected violations at " + pointer + " only, got " + violations);
        assertTrue(!violations.isEmpty(), "expected a violation at " + pointer);
        return violations.get(0);
    }

    // ---- requests ----

    @Test
    void fullRequestIsValid() {
        assertEquals(List.of(), REQUEST.validate(fullRequest()));
        assertEquals(List.of(), REQUEST.validate(json("{\"prompt\":\"describe\"}")), "text-only, no options");
        assertEquals(List.of(), REQUEST.validate(json(new InferenceRequest(null,
                List.of(new ImageInput("data:image/png;base64,iVBORw0KGgo=", null)), "q",
                new RequestOptions(null, null, null, null, "fastv", 64, null, null, null, null, null, null, null)))));
    }

    @Test
    void unknownPropertyIsNamed() {
        ObjectNode request = fullRequest();
        request.put("stream", true);
        assertTrue(onlyViolation(REQUEST, request, "/").contains("'stream'"));
        ObjectNode options = fullRequest();
        ((ObjectNode) options.get("options")).put("beam_width", 4);
        assertTrue(onlyViolation(REQUEST, options, "/options").contains("'beam_width'"));
    }

    @Test
    void missingPromptAndEmptyPromptAreNamed() {
        ObjectNode request = fullRequest();
        request.remove("prompt");
        assertTrue(onlyViolation(REQUEST, request, "/").contains("'prompt'"));
        request.put("prompt", "");
        onlyViolation(REQUEST, request, "/prompt");
        request.put("prompt", "x".repeat(8193));
        onlyViolation(REQUEST, request, "/prompt");
    }

    @Test
    void idMustBeShortAndPlain() {
        ObjectNode request = fullRequest();
        request.put("id", "has space");
        assertTrue(onlyViolation(REQUEST, request, "/id").contains("pattern"));
        request.put("id", "x".repeat(129));
        onlyViolation(REQUEST, request, "/id");
        request.put("id", "x".repeat(128));
        assertEquals(List.of(), REQUEST.validate(request));
    }

    @Test
    void imageNeedsExactlyOneOfDataAndUrl() {
        assertTrue(onlyViolation(REQUEST, json("{\"prompt\":\"q\",\"images\":[{\"data\":\"AA==\",\"url\":\"https://a/b\"}]}"),
                "/images/0").contains("2 are valid"));
        List<String> neither = REQUEST.validate(json("{\"prompt\":\"q\",\"images\":[{}]}"));
        assertTrue(neither.contains("/images/0: required property 'data' not found"), neither.toString());
        assertTrue(neither.contains("/images/0: required property 'url' not found"), neither.toString());
    }

    @Test
    void urlMustBeHttpOrHttps() {
        onlyViolation(REQUEST, json("{\"prompt\":\"q\",\"images\":[{\"url\":\"ftp://host/a.png\"}]}"), "/images/0/url");
        onlyViolation(REQUEST, json("{\"prompt\":\"q\",\"images\":[{\"url\":\"http://host/a b.png\"}]}"), "/images/0/url");
        assertEquals(List.of(), REQUEST.validate(json("{\"prompt\":\"q\",\"images\":[{\"url\":\"HTTPS://host/a.png\"}]}")));
    }

    @Test
    void moreThanSixtyFourImagesBreakTheSchema() {
        String image = "{\"url\":\"https://h/i.png\"}";
        String images = String.join(",", java.util.Collections.nCopies(65, image));
        assertTrue(onlyViolation(REQUEST, json("{\"prompt\":\"q\",\"images\":[" + images + "]}"), "/images")
                .contains("64"));
    }

    @Test
    void optionLimitsAreChecked() {
        String[][] cases = {
            {"max_new_tokens", "0"}, {"max_new_tokens", "4097"}, {"max_new_tokens", "1.5"}, {"temperature", "-0.1"},
            {"top_p", "0"}, {"top_p", "1.01"}, {"seed", "\"7\""}, {"reduction", "\"zip\""}, {"reduction", "\"VScan\""},
            {"budget", "0"}, {"r1", "-1"}, {"r2", "0"}, {"layer", "0"},
        };
        for (String[] c : cases) {
            JsonNode request = json("{\"prompt\":\"q\",\"options\":{\"" + c[0] + "\":" + c[1] + "}}");
            onlyViolation(REQUEST, request, "/options/" + c[0]);
        }
        assertEquals(List.of(), REQUEST.validate(json("{\"prompt\":\"q\",\"options\":{\"max_new_tokens\":4096,"
                + "\"temperature\":0,\"top_p\":1,\"seed\":-9223372036854775808}}")));
    }

    @Test
    void reductionNamesInTheSchemasAreTheWireNames() throws IOException {
        List<String> wireNames = Arrays.stream(ReductionMethod.values()).map(ReductionMethod::wireName).toList();
        assertEquals(wireNames, texts(resource(MessageSchema.INFERENCE_REQUEST)
                .at("/$defs/options/properties/reduction/enum")));
        assertEquals(wireNames, texts(resource(MessageSchema.TELEMETRY_EVENT).at("/properties/reduction/enum")));
        List<String> statuses = Arrays.stream(Status.values()).map(Enum::name).toList();
        assertEquals(statuses, texts(resource(MessageSchema.INFERENCE_RESULT).at("/properties/status/enum")));
    }

    @Test
    void everySchemaDeclaresDraft2020AndItsId() throws IOException {
        for (MessageSchema schema : MessageSchema.values()) {
            JsonNode tree = resource(schema);
            assertEquals("https://json-schema.org/draft/2020-12/schema", tree.path("$schema").asText(), schema.fileName());
            String id = "https://vscan.dev/schemas/" + schema.fileName().replace(".schema.json", ".json");
            assertEquals(id, tree.path("$id").asText());
            assertTrue(tree.path("title").isTextual() && tree.path("description").isTextual(), schema.fileName());
        }
    }

    // ---- results ----

    @Test
    void okAndFailedResultsAreValid() {
        assertEquals(List.of(), RESULT.validate(json(new InferenceResult("req-1", Status.ok, "A cat.", null,
                new TokenCounts(620, 44, 576, 3), new Timings(2.5, 40, 120.25, 80, 242.75, 163, 40), "llava-1.5-7b"))));
        for (Status status : List.of(Status.invalid, Status.expired, Status.rejected, Status.error)) {
            assertEquals(List.of(), RESULT.validate(json(InferenceResult.failure("req-1", status, "schema_violation",
                    "/prompt: must be at least 1 characters long", "llava-1.5-7b"))), status.name());
        }
    }

    @Test
    void okNeedsAnAnswerAndNoError() {
        assertTrue(onlyViolation(RESULT, json(new InferenceResult("r", Status.ok, null, null, null, null, null)), "/")
                .contains("'answer'"));
        List<String> both = RESULT.validate(json(new InferenceResult("r", Status.ok, "a",
                new InferenceResult.ErrorInfo("x", "y"), null, null, null)));
        assertEquals(List.of("/error: must not be present here"), both);
    }

    @Test
    void failureNeedsAnErrorAndNoAnswer() {
        assertTrue(onlyViolation(RESULT, json(new InferenceResult("r", Status.expired, null, null, null, null, null)), "/")
                .contains("'error'"));
        assertEquals(List.of("/answer: must not be present here"), RESULT.validate(json(new InferenceResult("r",
                Status.error, "half an answer", new InferenceResult.ErrorInfo("internal", "boom"), null, null, null))));
        onlyViolation(RESULT, json(InferenceResult.failure("r", Status.invalid, "Bad Code", "m", null)), "/error/code");
    }

    @Test
    void unknownStatusAndNegativeTimingsAreNamed() {
        onlyViolation(RESULT, json("{\"id\":\"r\",\"status\":\"done\",\"answer\":\"a\"}"), "/status");
        onlyViolation(RESULT, json(new InferenceResult("r", Status.ok, "a", null, null, new Timings(-1, 0, 0, 0, 0, 0, 0),
                null)), "/timings/queue_ms");
    }

    // ---- telemetry ----

    private static EfficiencyReport report() {
        return new EfficiencyReport(1152, 432, 144, 20, new int[] {576, 576}, new int[] {216, 216}, 9_000_000L,
                3_000_000L, 5_000_000L, 40.5, 2.25, 120.0, 80.0, List.of(new int[] {0, 5, 9}, new int[] {1, 2}),
                new int[] {1, 1}, new int[] {0, 0}, 0);
    }

    @Test
    void telemetryWithTheEngineReportIsValid() {
        TelemetryEvent event = new TelemetryEvent("req-1", "llava-1.5-7b", "worker-0", "vscan", 4, 12.5, 180, 20, 3.5,
                report().toJson(), 1_760_000_000_000L);
        assertEquals(List.of(), TELEMETRY.validate(json(event)));
    }

    @Test
    void telemetryMissingAReportKeyIsNamed() {
        Map<String, Object> efficiency = new java.util.LinkedHashMap<>(report().toJson());
        efficiency.remove("flops_ratio");
        TelemetryEvent event = new TelemetryEvent("req-1", "m", null, "fastv", 1, 0, 0, 0, 0, efficiency, 1L);
        assertTrue(onlyViolation(TELEMETRY, json(event), "/efficiency").contains("'flops_ratio'"));
        TelemetryEvent emptyBatch = new TelemetryEvent("req-1", "m", null, "fastv", 0, 0, 0, 0, 0, report().toJson(), 1L);
        onlyViolation(TELEMETRY, json(emptyBatch), "/batch_size");
    }

    // ---- dead letters ----

    @Test
    void deadLettersWithTextOrBytesAreValid() {
        assertEquals(List.of(), DEAD_LETTER.validate(json(new DeadLetterRecord("req-1", "malformed_json",
                "request is not valid JSON: Unexpected end-of-input", "{\"prompt\":", null,
                Map.of("x-request-id", "req-1"), "vscan.requests", 3, 1207L, 1_760_000_000_000L))));
        assertEquals(List.of(), DEAD_LETTER.validate(json(new DeadLetterRecord(null, "malformed_json", "not UTF-8",
                null, "/w==", Map.of(), null, null, null, 1L))));
    }

    @Test
    void deadLetterHoldsOnePayloadFormAndStringHeaders() {
        assertEquals(List.of("/payload_base64: must not be present here"), DEAD_LETTER.validate(json(
                new DeadLetterRecord(null, "malformed_json", "r", "text", "dGV4dA==", null, null, null, null, 1L))));
        onlyViolation(DEAD_LETTER, json("{\"code\":\"c\",\"reason\":\"r\",\"timestamp\":1,\"headers\":{\"h\":3}}"),
                "/headers/h");
        onlyViolation(DEAD_LETTER, json(new DeadLetterRecord(null, "c", "r", null, null, null, "t", -1, 0L, 1L)),
                "/partition");
        assertTrue(onlyViolation(DEAD_LETTER, json("{\"code\":\"c\",\"timestamp\":1}"), "/").contains("'reason'"));
    }

    private static JsonNode resource(MessageSchema schema) throws IOException {
        try (InputStream in = SchemaValidatorTest.class.getResourceAsStream(schema.resource())) {
            return MessageJson.mapper().readTree(in);
        }
    }

    private static List<String> texts(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}
