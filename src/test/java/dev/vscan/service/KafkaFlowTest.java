package dev.vscan.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.wire.MessageSchema;
import dev.vscan.wire.SchemaValidator;
import dev.vscan.model.TestModels;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/**
 * The service as a Kafka user sees it: requests produced with a plain KafkaProducer to
 * vscan.requests, answers read with a plain consumer from vscan.results, vscan.telemetry and vscan.dlq
 * of a real broker.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class KafkaFlowTest {

    private static String bootstrap() {
        return KafkaBrokerResource.bootstrapServers();
    }

    static Map<String, Object> request(String id, int images, String prompt, Map<String, Object> options) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("id", id);
        List<Map<String, String>> list = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            list.add(Map.of("data", Base64.getEncoder().encodeToString(TestModels.png(id.hashCode() + i, 120, 100))));
        }
        r.put("images", list);
        r.put("prompt", prompt);
        if (options != null) {
            r.put("options", options);
        }
        return r;
    }

    static void send(String id, byte[] value, Map<String, String> headers) {
        KafkaClients.produce(bootstrap(), "vscan.requests", id, value, headers);
    }

    @Test
    void aStreamedRequestWritesItsTextToTheStreamTopicAsItGoes() {
        String id = "stream-" + UUID.randomUUID();
        send(id, KafkaClients.json(request(id, 1, "what colour is the circle ?",
                Map.of("max_new_tokens", 12, "temperature", 1.0, "seed", 3, "stream", true))),
                Map.of("x-request-id", id));
        try (KafkaConsumer<String, byte[]> stream = KafkaClients.consumer(bootstrap(), "vscan.stream", "read_uncommitted");
                KafkaConsumer<String, byte[]> results = KafkaClients.consumer(bootstrap(), "vscan.results")) {
            List<JsonNode> chunks = KafkaClients.collect(stream, Set.of(id),
                    s -> s.containsKey(id) && s.get(id).get(s.get(id).size() - 1).has("finish_reason"),
                    Duration.ofSeconds(60)).get(id);
            JsonNode result = KafkaClients.collect(results, Set.of(id), s -> s.containsKey(id), Duration.ofSeconds(60))
                    .get(id).get(0);
            assertEquals("ok", result.get("status").asText(), result.toString());
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < chunks.size(); i++) {
                JsonNode chunk = chunks.get(i);
                assertConforms(MessageSchema.STREAM_CHUNK, chunk);
                assertEquals(i, chunk.get("seq").asInt(), chunks.toString());
                assertEquals(chunks.get(0).get("attempt").asText(), chunk.get("attempt").asText());
                text.append(chunk.get("delta").asText());
            }
            assertEquals(result.get("answer").asText(), text.toString(), "the deltas make the answer");
            assertEquals(result.get("finish_reason").asText(), chunks.get(chunks.size() - 1).get("finish_reason").asText());
            assertTrue(chunks.size() > 1 || result.get("tokens").get("generated").asInt() <= 1, chunks.toString());
        }
    }

    @Test
    void aRequestGetsAResultAndTelemetry() {
        String id = "r-" + UUID.randomUUID();
        send(id, KafkaClients.json(request(id, 1, "what colour is the circle ?",
                Map.of("max_new_tokens", 4, "reduction", "vscan", "r1", 32, "r2", 8, "layer", 2))),
                Map.of("x-request-id", id, "content-type", "application/json"));
        try (KafkaConsumer<String, byte[]> results = KafkaClients.consumer(bootstrap(), "vscan.results");
                KafkaConsumer<String, byte[]> telemetry = KafkaClients.consumer(bootstrap(), "vscan.telemetry")) {
            JsonNode result = KafkaClients.collect(results, Set.of(id), s -> s.containsKey(id), Duration.ofSeconds(60))
                    .get(id).get(0);
            assertConforms(MessageSchema.INFERENCE_RESULT, result);
            assertEquals("ok", result.get("status").asText(), result.toString());
            assertTrue(result.get("answer").isTextual());
            assertEquals(32, result.get("tokens").get("visual").asInt(), result.toString());
            JsonNode event = KafkaClients.collect(telemetry, Set.of(id), s -> s.containsKey(id), Duration.ofSeconds(30))
                    .get(id).get(0);
            assertConforms(MessageSchema.TELEMETRY_EVENT, event);
            assertEquals("vscan", event.get("reduction").asText());
            assertEquals(32, event.get("efficiency").get("visual_tokens_after_stage1").asInt(), event.toString());
            assertEquals(8, event.get("efficiency").get("visual_tokens_after_stage2").asInt(), event.toString());
            assertTrue(event.get("batch_size").asInt() >= 1);
        }
    }

    @Test
    void aBurstIsBatchedAndEveryRequestAnsweredOnce() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 12; i++) {
            String id = "burst-" + i + "-" + UUID.randomUUID();
            ids.add(id);
            // every third request keeps original positions under VScan, so batches mix the two settings
            Map<String, Object> options = i % 3 == 0
                    ? Map.of("max_new_tokens", 3, "reduction", "vscan", "budget", 28, "positions", "original")
                    : Map.of("max_new_tokens", 3);
            send(id, KafkaClients.json(request(id, 1 + i % 2, "how many shapes are there ?", options)), Map.of());
        }
        try (KafkaConsumer<String, byte[]> results = KafkaClients.consumer(bootstrap(), "vscan.results");
                KafkaConsumer<String, byte[]> telemetry = KafkaClients.consumer(bootstrap(), "vscan.telemetry")) {
            Map<String, List<JsonNode>> answers = KafkaClients.collect(results, ids,
                    s -> s.keySet().containsAll(ids), Duration.ofSeconds(120));
            assertEquals(ids, answers.keySet());
            Map<String, List<JsonNode>> events = KafkaClients.collect(telemetry, ids,
                    s -> s.keySet().containsAll(ids), Duration.ofSeconds(30));
            int largest = events.values().stream().mapToInt(l -> l.get(0).get("batch_size").asInt()).max().orElse(0);
            assertTrue(largest > 1, "no request of the burst shared a batch: " + events);
            // Nothing answered twice, also after a few more seconds.
            Map<String, List<JsonNode>> later = KafkaClients.collect(results, ids, s -> false, Duration.ofSeconds(2));
            later.forEach((k, v) -> answers.get(k).addAll(v));
            answers.forEach((k, v) -> assertEquals(1, v.size(), "answers to " + k));
        }
    }

    @Test
    void aBurstFarLargerThanTheQueueIsAnsweredInFullAndOnce() {
        // more than the queue (64) and a poll together: the consumer must hold back, never drop
        Map<String, byte[]> burst = new LinkedHashMap<>();
        String base = UUID.randomUUID().toString();
        for (int i = 0; i < 300; i++) {
            String id = "flood-" + i + "-" + base;
            burst.put(id, KafkaClients.json(Map.of("id", id, "prompt", "hi", "options", Map.of("max_new_tokens", 1))));
        }
        KafkaClients.produceAll(bootstrap(), "vscan.requests", burst);
        try (KafkaConsumer<String, byte[]> results = KafkaClients.consumer(bootstrap(), "vscan.results")) {
            Map<String, List<JsonNode>> answers = KafkaClients.collect(results, burst.keySet(),
                    s -> s.keySet().containsAll(burst.keySet()), Duration.ofSeconds(180));
            assertEquals(burst.keySet(), answers.keySet());
            answers.forEach((k, v) -> assertEquals(1, v.size(), "answers to " + k));
        }
    }

    @Test
    void everyKindOfBadInputGoesToTheDeadLetterTopicWithAnErrorResult() {
        Map<String, byte[]> bad = new LinkedHashMap<>();
        Map<String, String> codes = new LinkedHashMap<>();
        String base = UUID.randomUUID().toString();
        put(bad, codes, "json-" + base, "{not json".getBytes(StandardCharsets.UTF_8), "malformed_json");
        put(bad, codes, "schema-" + base, KafkaClients.json(Map.of("id", "schema-" + base, "images", List.of())),
                "schema_violation");
        put(bad, codes, "image-" + base, KafkaClients.json(Map.of("id", "image-" + base, "prompt", "hi",
                "images", List.of(Map.of("data", Base64.getEncoder().encodeToString("not an image".getBytes()))))),
                "image_undecodable");
        put(bad, codes, "many-" + base, KafkaClients.json(request("many-" + base, 9, "hi", null)), "too_many_images");
        put(bad, codes, "url-" + base, KafkaClients.json(Map.of("id", "url-" + base, "prompt", "hi",
                "images", List.of(Map.of("url", "http://127.0.0.1:9/cat.png")))), "image_url_refused");
        put(bad, codes, "opts-" + base, KafkaClients.json(request("opts-" + base, 1, "hi",
                Map.of("reduction", "vscan", "r1", 8, "r2", 16, "layer", 2))), "invalid_options");
        put(bad, codes, "pos-" + base, KafkaClients.json(request("pos-" + base, 1, "hi",
                Map.of("positions", "original"))), "invalid_options");
        bad.forEach((id, value) -> send(id, value, Map.of()));
        try (KafkaConsumer<String, byte[]> dlq = KafkaClients.consumer(bootstrap(), "vscan.dlq");
                KafkaConsumer<String, byte[]> results = KafkaClients.consumer(bootstrap(), "vscan.results")) {
            Map<String, List<JsonNode>> dead = KafkaClients.collect(dlq, bad.keySet(),
                    s -> s.keySet().containsAll(bad.keySet()), Duration.ofSeconds(60));
            Map<String, List<JsonNode>> answers = KafkaClients.collect(results, bad.keySet(),
                    s -> s.keySet().containsAll(bad.keySet()), Duration.ofSeconds(30));
            for (String id : bad.keySet()) {
                assertTrue(dead.containsKey(id), "no dead letter for " + id + ": " + dead.keySet());
                JsonNode d = dead.get(id).get(0);
                assertConforms(MessageSchema.DEAD_LETTER_RECORD, d);
                assertEquals(codes.get(id), d.get("code").asText(), d.toString());
                assertFalse(d.get("reason").asText().isBlank());
                assertTrue(d.has("payload") || d.has("payload_base64"), d.toString());
                JsonNode r = answers.get(id).get(0);
                assertConforms(MessageSchema.INFERENCE_RESULT, r);
                assertEquals("invalid", r.get("status").asText(), r.toString());
                assertEquals(codes.get(id), r.get("error").get("code").asText());
            }
        }
        // And the service still answers.
        aRequestGetsAResultAndTelemetry();
    }

    @Test
    void recordsWithoutAValueOrWithUnreadableKeysAndHeadersAreDeadLetteredAndAnsweredWhereAnIdIsKnown() {
        String base = UUID.randomUUID().toString();
        byte[] notUtf8 = {(byte) 0xff, (byte) 0xfe, (byte) 0x80};
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("tomb-" + base, "empty_record");
        codes.put("empty-" + base, "empty_record");
        codes.put("key-" + base, "invalid_key");
        codes.put("deadline-" + base, "invalid_header");
        codes.put("prio-" + base, "invalid_header");
        codes.put("rid-" + base, "invalid_header");
        String bootstrap = bootstrap();
        KafkaClients.produceRaw(bootstrap, "vscan.requests", utf8("tomb-" + base), null, List.of());
        KafkaClients.produceRaw(bootstrap, "vscan.requests", utf8("empty-" + base), new byte[0], List.of());
        KafkaClients.produceRaw(bootstrap, "vscan.requests", notUtf8,
                KafkaClients.json(request("key-" + base, 1, "hi", null)), List.of());
        KafkaClients.produceRaw(bootstrap, "vscan.requests", utf8("deadline-" + base),
                KafkaClients.json(request("deadline-" + base, 1, "hi", null)),
                List.of(new RecordHeader("x-deadline", notUtf8)));
        KafkaClients.produceRaw(bootstrap, "vscan.requests", utf8("prio-" + base),
                KafkaClients.json(request("prio-" + base, 1, "hi", null)),
                List.of(new RecordHeader("x-priority", utf8("high"))));
        KafkaClients.produceRaw(bootstrap, "vscan.requests", utf8("rid-" + base),
                KafkaClients.json(Map.of("prompt", "hi")), List.of(new RecordHeader("x-request-id", utf8("two words"))));
        try (KafkaConsumer<String, byte[]> dlq = KafkaClients.consumer(bootstrap, "vscan.dlq");
                KafkaConsumer<String, byte[]> results = KafkaClients.consumer(bootstrap, "vscan.results")) {
            Map<String, List<JsonNode>> dead = KafkaClients.collect(dlq, codes.keySet(),
                    s -> s.keySet().containsAll(codes.keySet()), Duration.ofSeconds(60));
            Map<String, List<JsonNode>> answers = KafkaClients.collect(results, codes.keySet(),
                    s -> s.keySet().containsAll(codes.keySet()), Duration.ofSeconds(30));
            codes.forEach((id, code) -> {
                assertTrue(dead.containsKey(id), "no dead letter for " + id + ": " + dead.keySet());
                JsonNode d = dead.get(id).get(0);
                assertConforms(MessageSchema.DEAD_LETTER_RECORD, d);
                assertEquals(code, d.get("code").asText(), d.toString());
                JsonNode r = answers.get(id).get(0);
                assertEquals("invalid", r.get("status").asText(), r.toString());
                assertEquals(code, r.get("error").get("code").asText(), r.toString());
            });
            assertTrue(dead.get("deadline-" + base).get(0).get("headers").get("x-deadline").asText()
                    .startsWith("base64:"), "a header that is not text is kept, as base64");
        }
        aRequestGetsAResultAndTelemetry();
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** Records the service really produced must match the published schemas. */
    private static void assertConforms(MessageSchema schema, JsonNode record) {
        assertEquals(List.of(), SchemaValidator.of(schema).validate(record), schema + ": " + record);
    }

    private static void put(Map<String, byte[]> bad, Map<String, String> codes, String id, byte[] value, String code) {
        bad.put(id, value);
        codes.put(id, code);
    }

    @Test
    void anExpiredDeadlineIsAnsweredWithoutCompute() {
        String id = "late-" + UUID.randomUUID();
        send(id, KafkaClients.json(request(id, 1, "hi", null)), Map.of("x-deadline", "1000"));
        try (KafkaConsumer<String, byte[]> results = KafkaClients.consumer(bootstrap(), "vscan.results")) {
            JsonNode r = KafkaClients.collect(results, Set.of(id), s -> s.containsKey(id), Duration.ofSeconds(60))
                    .get(id).get(0);
            assertEquals("expired", r.get("status").asText(), r.toString());
        }
    }

    @Test
    void everyMetricTheDashboardQueriesIsExported() throws Exception {
        aRequestGetsAResultAndTelemetry();
        JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                java.nio.file.Path.of("tools/observability/grafana/dashboards/vscan-serve.json").toFile());
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        List<String> missing = new ArrayList<>();
        for (JsonNode name : dashboard.get("vscanQueriedMetrics")) {
            java.util.regex.Pattern series = java.util.regex.Pattern.compile("(?m)^" + name.asText() + "[{ ]");
            if (!series.matcher(metrics).find()) {
                missing.add(name.asText());
            }
        }
        assertEquals(List.of(), missing, "dashboard metrics that /q/metrics does not export");
        assertTrue(dashboard.get("vscanQueriedMetrics").size() >= 10);
    }
}
