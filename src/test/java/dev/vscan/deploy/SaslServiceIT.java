package dev.vscan.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.messaging.BrokerProcess;
import dev.vscan.model.TestModels;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The packaged service against a cluster that only speaks SASL: its client login goes in as kafka.* keys and
 * reaches every client it runs (the workers' exactly-once processor, the HTTP producer and result follower,
 * the backlog reader, topic creation). An HTTP request is answered through Kafka.
 */
class SaslServiceIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theServiceAnswersThroughABrokerThatRequiresSaslPlain() throws Exception {
        Path work = Files.createTempDirectory("vscan-sasl");
        try (BrokerProcess broker = BrokerProcess.start(work.resolve("kafka"), 0,
                List.of("--sasl-user", "vscan:s3cret"))) {
            PackagedService service = PackagedService.start(List.of("-Xmx768m",
                    "-Dkafka.bootstrap.servers=" + broker.bootstrapServers(),
                    "-Dkafka.security.protocol=SASL_PLAINTEXT", "-Dkafka.sasl.mechanism=PLAIN",
                    "-Dkafka.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                            + " username=\"vscan\" password=\"s3cret\";",
                    "-Dvscan.data-dir=" + work.resolve("data")), work.resolve("service.log"));
            try {
                ObjectMapper json = new ObjectMapper();
                String body = json.writeValueAsString(Map.of("id", "sasl-1", "prompt", "what colour is the circle ?",
                        "images", List.of(Map.of("data", Base64.getEncoder().encodeToString(TestModels.png(5, 112, 112)))),
                        "options", Map.of("max_new_tokens", 3)));
                HttpResponse<String> accepted = HTTP.send(HttpRequest.newBuilder(
                        service.uri("/v1/requests"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(202, accepted.statusCode(), accepted.body());
                HttpResponse<String> result = HTTP.send(HttpRequest.newBuilder(
                        service.uri("/v1/requests/sasl-1?wait=60")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, result.statusCode(), result.body());
                JsonNode answer = json.readTree(result.body());
                assertEquals("ok", answer.get("status").asText(), result.body());
                assertTrue(answer.get("answer").asText().length() > 0, result.body());
            } finally {
                service.stop();
            }
        }
    }
}
