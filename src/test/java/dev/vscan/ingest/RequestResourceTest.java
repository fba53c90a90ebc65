package dev.vscan.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.emptyOrNullString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vscan.wire.MessageJson;
import dev.vscan.model.TestModels;
import dev.vscan.service.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * The HTTP API end to end: a POST goes through the real broker to the built-in model's workers, and
 * the GET reads the worker's answer back from the result topic.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class RequestResourceTest {

    private static final String PROBLEM = "application/problem+json";

    private static final int VISUAL_TOKENS_PER_IMAGE =
            dev.vscan.model.checkpoint.TinyCheckpointPreset.SHAPES.config().vision().numPatches();

    private static String base64Png(long seed) {
        return Base64.getEncoder().encodeToString(TestModels.png(seed, 40, 30));
    }

    @Test
    void aJsonRequestIsAcceptedThenAnsweredThroughKafka() {
        awaitReady();
        long deadline = System.currentTimeMillis() + 600_000;
        Response accepted = given()
                .contentType("application/json")
                .header("X-Deadline", String.valueOf(deadline))
                .header("X-Priority", "3")
                .body("{\"images\":[{\"data\":\"" + base64Png(1) + "\"}],\"prompt\":\"What is in the picture?\","
                        + "\"options\":{\"max_new_tokens\":3}}")
                .post("/v1/requests");
        accepted.then().statusCode(202)
                .contentType("application/json")
                .body("status", equalTo("accepted"))
                .body("id", not(emptyOrNullString()));
        String id = accepted.jsonPath().getString("id");
        assertTrue(accepted.header("Location").endsWith("/v1/requests/" + id), accepted.header("Location"));

        given().get("/v1/requests/" + id + "?wait=30").then()
                .statusCode(200)
                .contentType("application/json")
                .body("id", equalTo(id))
                .body("status", equalTo("ok"))
                .body("answer", not(emptyOrNullString()))
                .body("tokens.visual", equalTo(VISUAL_TOKENS_PER_IMAGE))
                // A trained model may end its answer with </s> before the limit.
                .body("tokens.generated", allOf(greaterThan(0), lessThanOrEqualTo(3)));

        // What went to the request topic: the body with its id, and the headers any producer sets.
        ConsumerRecord<String, byte[]> record = findRequestRecord(id);
        assertEquals(id, MessageJson.tree(record.value()).path("id").asText());
        assertEquals("What is in the picture?", MessageJson.tree(record.value()).path("prompt").asText());
        Map<String, String> headers = headers(record);
        assertEquals(id, headers.get("x-request-id"));
        assertEquals("application/json", headers.get("content-type"));
        assertEquals(String.valueOf(deadline), headers.get("x-deadline"));
        assertEquals("3", headers.get("x-priority"));
    }

    @Test
    void aFormWithTwoImagesIsAnsweredWithTheVisualTokensOfBoth() {
        awaitReady();
        String id = "form-" + UUID.randomUUID();
        Response accepted = given()
                .multiPart("prompt", "Compare the two pictures.")
                .multiPart("image", "a.png", TestModels.png(2, 50, 50), "image/png")
                .multiPart("image", "b.png", TestModels.png(3, 64, 32), "image/png")
                .multiPart("options", "{\"max_new_tokens\": 2}")
                .multiPart("id", id)
                .post("/v1/requests");
        accepted.then().statusCode(202).body("id", equalTo(id));
        assertEquals("/v1/requests/" + id, java.net.URI.create(accepted.header("Location")).getPath());

        // The built-in model sees a 112-px image as 16x16 patches: 256 visual tokens per image.
        given().get("/v1/requests/" + id + "?wait=30").then()
                .statusCode(200)
                .body("status", equalTo("ok"))
                .body("tokens.visual", equalTo(2 * VISUAL_TOKENS_PER_IMAGE))
                .body("tokens.generated", equalTo(2));
    }

    @Test
    void malformedJsonIsAProblemWithItsCode() {
        given().contentType("application/json").body("{\"prompt\": \"hi\",")
                .post("/v1/requests").then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("status", equalTo(400))
                .body("title", equalTo("Bad Request"))
                .body("type", equalTo("https://vscan.dev/problems/malformed_json"))
                .body("code", equalTo("malformed_json"))
                .body("detail", containsString("not valid JSON"));
    }

    @Test
    void aRequestWithoutPromptViolatesTheSchema() {
        given().contentType("application/json").body("{\"id\":\"no-prompt-1\",\"images\":[]}")
                .post("/v1/requests").then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("schema_violation"))
                .body("id", equalTo("no-prompt-1"))
                .body("detail", containsString("prompt"));
    }

    @Test
    void aFormWithoutPromptViolatesTheSchema() {
        given().multiPart("image", "a.png", TestModels.png(4, 20, 20), "image/png")
                .post("/v1/requests").then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("schema_violation"));
    }

    @Test
    void aFormWithOptionsThatAreNotJsonIsMalformed() {
        given().multiPart("prompt", "hi").multiPart("options", "max_new_tokens=3")
                .post("/v1/requests").then()
                .statusCode(400)
                .body("code", equalTo("malformed_json"));
    }

    @Test
    void base64ThatIsNoImageIsUndecodable() {
        String notAnImage = Base64.getEncoder().encodeToString("just some text, no pixels".getBytes(StandardCharsets.UTF_8));
        given().contentType("application/json")
                .body("{\"id\":\"not-an-image-1\",\"images\":[{\"data\":\"" + notAnImage + "\"}],\"prompt\":\"hi\"}")
                .post("/v1/requests").then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("image_undecodable"))
                .body("id", equalTo("not-an-image-1"))
                .body("detail", containsString("image 0"));
    }

    @Test
    void aBodyLargerThanTheRequestTopicTakesIsTooLarge() {
        // 17 MiB of base64: under the HTTP body limit (64 MiB), over the 16 MiB record limit.
        String data = "A".repeat(17 * 1024 * 1024);
        given().contentType("application/json")
                .body("{\"images\":[{\"data\":\"" + data + "\"}],\"prompt\":\"hi\"}")
                .post("/v1/requests").then()
                .statusCode(413)
                .contentType(PROBLEM)
                .body("code", equalTo("payload_too_large"))
                .body("detail", containsString("16773120 bytes"));
    }

    @Test
    void anUnknownIdIsNotFound() {
        given().get("/v1/requests/never-sent-" + UUID.randomUUID()).then()
                .statusCode(404)
                .contentType(PROBLEM)
                .body("code", equalTo("not_found"))
                .body("status", equalTo(404));
    }

    @Test
    void waitingForAnUnknownIdEndsWithNotFoundAfterTheWait() {
        long start = System.nanoTime();
        given().get("/v1/requests/never-sent-" + UUID.randomUUID() + "?wait=1").then()
                .statusCode(404)
                .body("code", equalTo("not_found"));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(millis >= 1000, "answered after " + millis + " ms, before the 1 s wait ended");
    }

    @Test
    void aWaitOutsideTheRangeIsRefused() {
        given().get("/v1/requests/x?wait=61").then()
                .statusCode(400)
                .contentType(PROBLEM)
                .body("code", equalTo("invalid_parameter"));
    }

    @Test
    void theOpenApiDocumentDescribesTheEndpoints() {
        String doc = given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .extract().asString();
        assertTrue(doc.contains("/v1/requests"), "no /v1/requests in " + doc);
        assertTrue(doc.contains("/v1/requests/{id}"), "no /v1/requests/{id}");
        assertTrue(doc.contains("max_new_tokens"), "the request schema should use the wire's snake_case names");
    }

    /** Ready means: the model is loaded and the ingest reads the result topic. */
    private static void awaitReady() {
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int status = 0;
        while (System.nanoTime() < until) {
            status = given().get("/q/health/ready").statusCode();
            if (status == 200) {
                return;
            }
            sleep(250);
        }
        throw new AssertionError("/q/health/ready still answered " + status + " after 120 s: "
                + given().get("/q/health/ready").asString());
    }

    private static ConsumerRecord<String, byte[]> findRequestRecord(String id) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBrokerResource.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "request-resource-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("vscan.requests"));
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < until) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (id.equals(r.key())) {
                        return r;
                    }
                }
            }
        }
        throw new AssertionError("no record with key " + id + " on vscan.requests");
    }

    private static Map<String, String> headers(ConsumerRecord<String, byte[]> record) {
        Map<String, String> out = new HashMap<>();
        for (Header h : record.headers()) {
            out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertNotNull(out.get("x-request-id"));
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
