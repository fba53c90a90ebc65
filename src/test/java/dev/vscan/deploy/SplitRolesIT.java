package dev.vscan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.messaging.EmbeddedKafkaBroker;
import dev.vscan.model.TestModels;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    private static final List<Process> processes = new ArrayList<>();
    private static final HttpClient http = HttpClient.newHttpClient();
    private static int ingestPort;
    private static int workerPort;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createTempDirectory("vscan-split-roles");
        broker = EmbeddedKafkaBroker.start(work.resolve("kafka"), 0);
        ingestPort = freePort();
        workerPort = freePort();
        processes.add(launch("ingest", ingestPort, work));
        processes.add(launch("worker", workerPort, work));
        awaitReady(ingestPort);
        awaitReady(workerPort);
    }

    private static Process launch(String role, int port, Path work) throws IOException {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "package the application first: " + jar);
        Path log = work.resolve(role + ".log");
        return new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dvscan.role=" + role, "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + broker.bootstrapServers(),
                "-Dvscan.data-dir=" + work.resolve("data-" + role), "-Dai.djl.offline=true",
                "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitReady(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                last = r.body();
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(500);
        }
        throw new AssertionError("instance on port " + port + " not ready: " + last);
    }

    @AfterAll
    static void stop() throws Exception {
        for (Process p : processes) {
            p.destroy();
            p.waitFor();
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

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
