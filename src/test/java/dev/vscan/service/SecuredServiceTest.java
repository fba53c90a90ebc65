package dev.vscan.service;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.messaging.Clients;
import dev.vscan.messaging.SaslUsers;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The service locked down: its embedded broker takes SASL logins only, and its own Kafka clients log in
 * with the kafka.* keys like those of any secured cluster; its HTTP API wants an API key from a file
 * that is re-read when it changes. /q/ stays open for probes and scrapers.
 */
@QuarkusTest
@TestProfile(SecuredServiceTest.Secured.class)
class SecuredServiceTest {

    static final String API_KEY = "test-api-key-0123456789";

    public static class Secured implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                // Under target/, so mvn clean removes it.
                Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "secured-service-");
                Path keys = Files.writeString(dir.resolve("api-keys"), "# test clients\n" + API_KEY + "\n");
                return Map.ofEntries(
                        Map.entry("vscan.data-dir", dir.resolve("data").toString()),
                        Map.entry("vscan.kafka.embedded", "true"),
                        Map.entry("vscan.kafka.embedded-port", String.valueOf(freePort())),
                        Map.entry("vscan.kafka.embedded-sasl-users", "vscan:service-secret,producer:producer-secret"),
                        // What a deployment sets for any SASL cluster; every Kafka client of the service gets it.
                        Map.entry("kafka.security.protocol", "SASL_PLAINTEXT"),
                        Map.entry("kafka.sasl.mechanism", "SCRAM-SHA-256"),
                        Map.entry("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule"
                                + " required username=\"vscan\" password=\"service-secret\";"),
                        Map.entry("vscan.ingest.api-keys-file", keys.toString()),
                        Map.entry("vscan.ingest.api-keys-check-interval", "0s"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0)) {
                return socket.getLocalPort();
            }
        }
    }

    @ConfigProperty(name = "vscan.kafka.embedded-port")
    int kafkaPort;

    @ConfigProperty(name = "vscan.ingest.api-keys-file")
    Path apiKeysFile;

    @Test
    void theOpenAiRoutesWantTheKeyAndStreamThroughTheSaslBroker() {
        given().get("/v1/models").then().statusCode(401).contentType("application/json")
                .body("error.type", equalTo("invalid_request_error"))
                .body("error.code", equalTo("missing_api_key"));
        given().header("Authorization", "Bearer wrong").get("/v1/models").then().statusCode(401)
                .body("error.code", equalTo("invalid_api_key"));
        String model = given().header("Authorization", "Bearer " + API_KEY).get("/v1/models").then().statusCode(200)
                .extract().jsonPath().getString("data[0].id");
        String sse = given().header("Authorization", "Bearer " + API_KEY).contentType("application/json")
                .body("{\"model\":\"" + model + "\",\"stream\":true,\"max_tokens\":3,"
                        + "\"messages\":[{\"role\":\"user\",\"content\":\"what shapes are there ?\"}]}")
                .post("/v1/chat/completions").then().statusCode(200).extract().asString();
        // Through the SASL broker both ways: the request topic, and the stream and result topics back.
        org.junit.jupiter.api.Assertions.assertTrue(sse.startsWith("data: {") && sse.endsWith("data: [DONE]\n\n"), sse);
    }

    @Test
    void aRequestWithTheKeyIsAnsweredThroughTheSaslBroker() {
        String id = "secured-" + UUID.randomUUID();
        given().header("Authorization", "Bearer " + API_KEY).contentType("application/json")
                .body(requestJson(id))
                .post("/v1/requests").then().statusCode(202).body("id", equalTo(id));
        given().header("X-API-Key", API_KEY).get("/v1/requests/" + id + "?wait=60").then()
                .statusCode(200).body("status", equalTo("ok"));
    }

    @Test
    void withoutAKeyOrWithAWrongOneTheApiAnswers401AndProbesStayOpen() {
        given().contentType("application/json").body(requestJson("no-key")).post("/v1/requests").then()
                .statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("code", equalTo("missing_api_key"))
                .body("status", equalTo(401));
        given().header("Authorization", "Bearer wrong-key").get("/v1/requests/anything").then()
                .statusCode(401)
                .header("WWW-Authenticate", equalTo("Bearer realm=\"vscan\", error=\"invalid_token\""))
                .body("code", equalTo("invalid_api_key"));
        given().header("X-API-Key", "wrong-key").get("/v1/requests/anything").then().statusCode(401);
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200);
    }

    @Test
    void aRotatedKeyFileCountsWithoutARestart() throws IOException {
        String original = Files.readString(apiKeysFile);
        try {
            rewrite("rotated-key-9876543210\n");
            given().header("X-API-Key", API_KEY).get("/v1/requests/unknown").then().statusCode(401);
            // Past the key check, an unknown id is the API's own 404.
            given().header("X-API-Key", "rotated-key-9876543210").get("/v1/requests/unknown").then().statusCode(404);
        } finally {
            rewrite(original);
        }
        given().header("X-API-Key", API_KEY).get("/v1/requests/unknown").then().statusCode(404);
    }

    @Test
    void kafkaClientsLogInToTheEmbeddedBrokerAndAWrongPasswordIsRefused() throws Exception {
        Map<String, Object> producer = Clients.settings(bootstrap(),
                SaslUsers.clientProperties(SaslUsers.PLAIN, "producer", "producer-secret"));
        String id = "kafka-secured-" + UUID.randomUUID();
        Clients.produce(producer, "vscan.requests", id, requestJson(id));
        List<String> results = Clients.read(producer, "vscan.results", id);
        assertEquals(1, results.size(), "results for " + id);
        JsonNode result = KafkaClients.parse(results.get(0).getBytes(StandardCharsets.UTF_8));
        assertEquals("ok", result.path("status").asText(), result.toString());

        Map<String, Object> wrong = Clients.settings(bootstrap(),
                SaslUsers.clientProperties(SaslUsers.PLAIN, "producer", "guessed"));
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> Clients.produce(wrong, "vscan.requests", "forged", requestJson("forged")));
        assertEquals(SaslAuthenticationException.class, refused.getCause().getClass());
    }

    private String bootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }

    private static String requestJson(String id) {
        return new String(KafkaClients.json(KafkaFlowTest.request(id, 1, "is there a star ?",
                Map.of("max_new_tokens", 2))), StandardCharsets.UTF_8);
    }

    /** Writes the key file the way an operator would, a second later than it was last written. */
    private void rewrite(String content) throws IOException {
        FileTime before = Files.getLastModifiedTime(apiKeysFile);
        Files.writeString(apiKeysFile, content);
        Files.setLastModifiedTime(apiKeysFile, FileTime.from(before.toInstant().plus(Duration.ofSeconds(1))));
    }
}
