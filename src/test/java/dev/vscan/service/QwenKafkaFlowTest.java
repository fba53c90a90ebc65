package dev.vscan.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * The service with a Qwen2.5-VL checkpoint at vscan.model.path and no other change: a two-image request
 * produced to vscan.requests with VScan in the authors' ratios gets the reference's answer on
 * vscan.results and the Qwen vision cost in its telemetry.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestProfile(QwenKafkaFlowTest.QwenModel.class)
class QwenKafkaFlowTest {

    public static class QwenModel implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("vscan.model.path", fixture().toString());
        }
    }

    static Path fixture() {
        try {
            return Path.of(QwenKafkaFlowTest.class.getResource("/qwen2_5_vl-reference/config.json").toURI())
                    .getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTwoImageRequestIsAnsweredAsTheReference() throws IOException {
        JsonNode two = new ObjectMapper().readTree(fixture().resolve("expected.json").toFile()).get("two_images");
        JsonNode vscan = two.get("vscan");
        String id = "qwen-" + UUID.randomUUID();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", id);
        request.put("images", List.of(
                Map.of("data", Base64.getEncoder().encodeToString(Files.readAllBytes(fixture().resolve("image.png")))),
                Map.of("data", Base64.getEncoder().encodeToString(Files.readAllBytes(fixture().resolve("image2.png"))))));
        request.put("prompt", two.get("question").asText());
        request.put("options", Map.of("max_new_tokens", 8, "reduction", "vscan", "layer", vscan.get("layer").asInt(),
                "r1_ratio", vscan.get("r1_ratio").asDouble(), "r2_ratio", vscan.get("r2_ratio").asDouble()));
        String bootstrap = KafkaBrokerResource.bootstrapServers();
        KafkaClients.produce(bootstrap, "vscan.requests", id, KafkaClients.json(request), Map.of());
        try (KafkaConsumer<String, byte[]> results = KafkaClients.consumer(bootstrap, "vscan.results");
                KafkaConsumer<String, byte[]> telemetry = KafkaClients.consumer(bootstrap, "vscan.telemetry")) {
            JsonNode result = KafkaClients.collect(results, Set.of(id), s -> s.containsKey(id), Duration.ofSeconds(90))
                    .get(id).get(0);
            assertEquals("ok", result.get("status").asText(), result.toString());
            assertEquals(vscan.get("answer").asText(), result.get("answer").asText());
            JsonNode event = KafkaClients.collect(telemetry, Set.of(id), s -> s.containsKey(id), Duration.ofSeconds(30))
                    .get(id).get(0);
            JsonNode efficiency = event.get("efficiency");
            assertEquals(144, efficiency.get("visual_tokens_in").asInt(), event.toString());
            assertEquals(72, efficiency.get("visual_tokens_after_stage1").asInt(), event.toString());
            assertEquals(vscan.get("r2").asInt(), efficiency.get("visual_tokens_after_stage2").asInt());
            assertTrue(efficiency.get("vision_flops_windowed").asLong() > 0, event.toString());
        }
    }
}
