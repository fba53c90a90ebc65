package dev.vscan.ingest.openai;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.ingest.StreamFollower;
import dev.vscan.model.TestModels;
import dev.vscan.service.KafkaBrokerResource;
import dev.vscan.wire.MessageJson;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI routes end to end against a real broker and the built-in model: what an OpenAI client sends,
 * what it gets back, completions and streams alike, and the errors in OpenAI's shape.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
class ChatCompletionRoutesTest {

    @Inject
    StreamFollower streams;

    private static String dataUrl(long seed) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(TestModels.png(seed, 112, 112));
    }

    private static String question(String imageUrl, String extra) {
        return "{\"model\":\"" + model() + "\",\"messages\":[{\"role\":\"system\",\"content\":\"Answer in a word.\"},"
                + "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"what colour is the circle ?\"},"
                + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"" + imageUrl + "\"}}]}]" + extra + "}";
    }

    private static String model() {
        return given().get("/v1/models").jsonPath().getString("data[0].id");
    }

    @BeforeEach
    void awaitReady() throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < until && given().get("/q/health/ready").statusCode() != 200) {
            Thread.sleep(250);
        }
    }

    @Test
    void theModelsListHasTheServedModel() {
        given().get("/v1/models").then().statusCode(200)
                .body("object", equalTo("list"))
                .body("data[0].object", equalTo("model"))
                .body("data[0].owned_by", equalTo("vscan"));
        String model = model();
        given().get("/v1/models/" + model).then().statusCode(200).body("id", equalTo(model));
        given().get("/v1/models/gpt-4o").then().statusCode(404).body("error.code", equalTo("model_not_found"));
    }

    @Test
    void theRoutesAreInTheOpenApiDocument() {
        String doc = given().get("/q/openapi?format=json").then().statusCode(200).extract().asString();
        assertTrue(doc.contains("/v1/chat/completions") && doc.contains("/v1/models"), doc);
    }

    @Test
    void aQuestionAboutAnImageIsAnsweredAsAChatCompletion() {
        Response r = given().contentType("application/json").accept("application/json")
                .body(question(dataUrl(1), ",\"max_tokens\":4,\"seed\":5"))
                .post("/v1/chat/completions");
        r.then().statusCode(200).contentType("application/json")
                .body("object", equalTo("chat.completion"))
                .body("model", equalTo(model()))
                .body("system_fingerprint", nullValue())
                .body("choices[0].index", equalTo(0))
                .body("choices[0].message.role", equalTo("assistant"))
                .body("usage.completion_tokens", greaterThan(0))
                .body("usage.vscan.visual_tokens_in", greaterThan(0));
        assertTrue(r.jsonPath().getString("id").startsWith("chatcmpl-"), r.asString());
        assertTrue(List.of("stop", "length").contains(r.jsonPath().getString("choices[0].finish_reason")));
        assertEquals(r.jsonPath().getInt("usage.prompt_tokens") + r.jsonPath().getInt("usage.completion_tokens"),
                r.jsonPath().getInt("usage.total_tokens"));
    }

    @Test
    void aStreamedAnswerIsTheCompletionInChunksEndingWithDone() {
        String body = question(dataUrl(2), ",\"max_completion_tokens\":6,\"temperature\":0.9,\"seed\":11");
        String whole = given().contentType("application/json").body(body).post("/v1/chat/completions")
                .then().statusCode(200).extract().jsonPath().getString("choices[0].message.content");
        Response streamed = given().contentType("application/json").accept("application/json")
                .body(body.substring(0, body.length() - 1) + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}")
                .post("/v1/chat/completions");
        streamed.then().statusCode(200);
        assertTrue(streamed.contentType().startsWith("text/event-stream"), streamed.contentType());
        List<String> events = events(streamed.asString());
        assertEquals("[DONE]", events.get(events.size() - 1), events.toString());
        List<JsonNode> chunks = events.subList(0, events.size() - 1).stream()
                .map(e -> MessageJson.tree(e.getBytes(StandardCharsets.UTF_8))).toList();
        assertEquals("assistant", chunks.get(0).at("/choices/0/delta/role").asText(), "the role comes first");
        StringBuilder text = new StringBuilder();
        String finish = null;
        for (JsonNode chunk : chunks) {
            assertEquals("chat.completion.chunk", chunk.get("object").asText());
            assertEquals(chunks.get(0).get("id").asText(), chunk.get("id").asText());
            JsonNode choice = chunk.at("/choices/0");
            if (!choice.isMissingNode()) {
                text.append(choice.at("/delta/content").asText(""));
                if (!choice.get("finish_reason").isNull()) {
                    finish = choice.get("finish_reason").asText();
                }
            }
        }
        assertEquals(whole, text.toString(), "the chunks make the answer of the same seeded request");
        assertTrue(List.of("stop", "length").contains(finish), chunks.toString());
        JsonNode usage = chunks.get(chunks.size() - 1);
        assertEquals(0, usage.get("choices").size(), "the usage chunk has no choices");
        assertTrue(usage.at("/usage/completion_tokens").asInt() > 0, usage.toString());
        assertEquals(0, streams.following(), "the stream is no longer followed");
    }

    @Test
    void aStopStringEndsTheAnswerBeforeIt() {
        String whole = given().contentType("application/json").body(question(dataUrl(3), ",\"max_tokens\":8"))
                .post("/v1/chat/completions").jsonPath().getString("choices[0].message.content");
        assertTrue(whole.length() > 1, "an answer to cut: '" + whole + "'");
        String stop = whole.substring(1, 2);
        Response cut = given().contentType("application/json")
                .body(question(dataUrl(3), ",\"max_tokens\":8,\"stop\":[" + MessageJson.mapper().valueToTree(stop) + "]"))
                .post("/v1/chat/completions");
        cut.then().statusCode(200).body("choices[0].finish_reason", equalTo("stop"));
        assertEquals(whole.substring(0, whole.indexOf(stop)), cut.jsonPath().getString("choices[0].message.content"));
    }

    @Test
    void anImageUrlOnALoopbackAddressIsRefusedByTheWorkersPolicy() {
        for (String stream : List.of("false", "true")) {
            given().contentType("application/json")
                    .body(question("http://127.0.0.1:9/cat.png", ",\"max_tokens\":2,\"stream\":" + stream))
                    .post("/v1/chat/completions").then()
                    .statusCode(400).contentType("application/json")
                    .body("error.type", equalTo("invalid_request_error"))
                    .body("error.code", equalTo("image_url_refused"));
        }
        assertEquals(0, streams.following());
    }

    @Test
    void badRequestsGetOpenAiErrorsNamingTheParameter() {
        given().contentType("application/json").body("{\"messages\": [").post("/v1/chat/completions").then()
                .statusCode(400).contentType("application/json")
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("malformed_json"))
                .body("error.param", nullValue());
        given().contentType("application/json").body(question(dataUrl(4), ",\"n\":2")).post("/v1/chat/completions")
                .then().statusCode(400).body("error.param", equalTo("n"));
        given().contentType("application/json").body("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")
                .post("/v1/chat/completions").then().statusCode(404).body("error.code", equalTo("model_not_found"));
        given().contentType("application/json").body(question("ftp://example.com/a.png", ""))
                .post("/v1/chat/completions").then().statusCode(400)
                .body("error.param", equalTo("messages[1].content[1].image_url.url"));
        given().contentType("application/json").body(question("data:image/png;base64,AAAA", ""))
                .post("/v1/chat/completions").then().statusCode(400).body("error.code", equalTo("image_undecodable"));
        given().contentType("application/json")
                .body("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"},{\"role\":\"assistant\",\"content\":\"hello\"}]}")
                .post("/v1/chat/completions").then().statusCode(400).body("error.code", equalTo("invalid_messages"));
    }

    /** The data of each server-sent event, in order. */
    static List<String> events(String sse) {
        List<String> data = new ArrayList<>();
        for (String event : sse.split("\n\n")) {
            for (String line : event.split("\n")) {
                if (line.startsWith("data: ")) {
                    data.add(line.substring("data: ".length()));
                }
            }
        }
        return data;
    }
}
