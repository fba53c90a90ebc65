package dev.vscan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.messaging.EmbeddedKafkaBroker;
import dev.vscan.model.TestModels;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged application in two processes against one broker, as in a scaled deployment: one
 * with vscan.role=ingest (HTTP, no model), one with vscan.role=worker (consumes and infers, no
 * request API). An HTTP request to the ingest is answered by the worker through Kafka.
 */
class SplitRolesIT {

    private static EmbeddedKafkaBroker broker;
    private static final List<PackagedService> services = new ArrayList<>();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static int ingestPort;
    private static int workerPort;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createTempDirectory("vscan-split-roles");
        broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
        ingestPort = launch("ingest", work).port;
        workerPort = launch("worker", work).port;
    }

    private static PackagedService launch(String role, Path work) throws Exception {
        PackagedService s = PackagedService.start(List.of("-Xmx1g", "-Dvscan.role=" + role,
                "-Dkafka.bootstrap.servers=" + broker.bootstrapServers(),
                "-Dvscan.data-dir=" + work.resolve("data-" + role)), work.resolve(role + ".log"));
        services.add(s);
        return s;
    }

    @AfterAll
    static void stop() throws Exception {
        for (PackagedService s : services) {
            s.stop();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void anIngestAndAWorkerAnswerAnHttpRequestTogether() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String body = json.writeValueAsString(Map.of("id", "split-1", "prompt", "what colour is the circle ?",
                "images", List.of(Map.of("data", Base64.getEncoder().encodeToString(TestModels.png(5, 112, 112)))),
                "options", Map.of("max_new_tokens", 3)));
        HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ingestPort + "/v1/requests"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, accepted.statusCode(), accepted.body());

        HttpResponse<String> result = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ingestPort + "/v1/requests/split-1?wait=60")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, result.statusCode(), result.body());
        JsonNode answer = json.readTree(result.body());
        assertEquals("ok", answer.get("status").asText(), result.body());
        assertEquals(dev.vscan.model.checkpoint.TinyCheckpointPreset.SHAPES.config().vision().numPatches(),
                answer.get("tokens").get("visual").asInt(), "one image through the built-in model");

        // The worker has no request API; the ingest loaded no model.
        HttpResponse<String> onWorker = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + workerPort + "/v1/requests/split-1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(404, onWorker.statusCode());
        assertTrue(onWorker.body().contains("wrong_role"), onWorker.body());
        HttpResponse<String> ingestHealth = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + ingestPort + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(ingestHealth.body().contains("ingest role"), ingestHealth.body());
    }

    @Test
    void aStreamedChatCompletionToTheIngestComesFromTheWorkerThroughTheStreamTopic() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String image = "data:image/png;base64," + Base64.getEncoder().encodeToString(TestModels.png(6, 112, 112));
        Map<String, Object> chat = new java.util.HashMap<>(Map.of("max_tokens", 5, "temperature", 0.7, "seed", 9,
                "messages", List.of(Map.of("role", "user", "content", List.of(
                        Map.of("type", "text", "text", "what colour is the circle ?"),
                        Map.of("type", "image_url", "image_url", Map.of("url", image)))))));
        URI completions = URI.create("http://127.0.0.1:" + ingestPort + "/v1/chat/completions");
        HttpResponse<String> whole = http.send(HttpRequest.newBuilder(completions).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(chat))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, whole.statusCode(), whole.body());
        String answer = json.readTree(whole.body()).at("/choices/0/message/content").asText();

        chat.put("stream", true);
        HttpResponse<String> streamed = http.send(HttpRequest.newBuilder(completions)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(chat))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, streamed.statusCode(), streamed.body());
        StringBuilder text = new StringBuilder();
        List<String> events = new ArrayList<>();
        for (String event : streamed.body().split("\n\n")) {
            String data = event.substring("data: ".length());
            events.add(data);
            if (!data.equals("[DONE]")) {
                text.append(json.readTree(data).at("/choices/0/delta/content").asText(""));
            }
        }
        assertEquals("[DONE]", events.get(events.size() - 1));
        assertEquals(answer, text.toString(), "the ingest streamed what the worker answered");
    }
}
