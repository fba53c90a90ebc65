package dev.vscan.ingest;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.vscan.model.TestModels;
import dev.vscan.service.KafkaBrokerResource;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * Load shedding at the HTTP door: an ingest instance whose workers fall behind by more than
 * vscan.ingest.max-backlog answers 429 with a Retry-After instead of adding to the request topic.
 * No worker runs here, and the lag is read for a group that never consumed, so every accepted request
 * stays in the backlog; a request topic of its own keeps other tests' records out of the count.
 */
@QuarkusTest
@WithTestResource(KafkaBrokerResource.class)
@TestProfile(RequestBacklogTest.IngestWithoutWorkers.class)
class RequestBacklogTest {

    private static final String REQUEST_TOPIC = "backlog-test-requests-" + UUID.randomUUID();
    private static final int MAX_BACKLOG = 2;

    public static class IngestWithoutWorkers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "vscan.role", "ingest",
                    "vscan.ingest.max-backlog", String.valueOf(MAX_BACKLOG),
                    "vscan.ingest.workers-group", "backlog-test-workers-" + UUID.randomUUID(),
                    "vscan.topics.requests", REQUEST_TOPIC);
        }
    }

    @Test
    void pastTheBacklogARequestIsRefusedWithRetryAfter() {
        String body = "{\"images\":[{\"data\":\"" + Base64.getEncoder().encodeToString(TestModels.png(7, 40, 30))
                + "\"}],\"prompt\":\"What colour is the picture?\",\"options\":{\"max_new_tokens\":1}}";
        int accepted = 0;
        Response refused = null;
        // The lag is re-read every 0.5 s, so a few requests past the bound still get in before the refusal.
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (refused == null && System.nanoTime() < until) {
            Response r = given().contentType("application/json").body(body).post("/v1/requests");
            if (r.statusCode() == 202) {
                accepted++;
                sleep(50);
            } else {
                refused = r;
            }
        }
        if (refused == null) {
            fail(accepted + " requests accepted in 10 s, none refused with a backlog bound of " + MAX_BACKLOG);
        }

        refused.then()
                .statusCode(429)
                .contentType(Problem.MEDIA_TYPE)
                .body("status", equalTo(429))
                .body("code", equalTo("backlog_full"))
                .body("type", equalTo(Problem.TYPE_BASE + "backlog_full"))
                .body("detail", containsString("behind"));
        String retryAfter = refused.header("Retry-After");
        assertNotNull(retryAfter, "a 429 without Retry-After");
        assertTrue(retryAfter.matches("[0-9]+"), "Retry-After is not a whole number of seconds: " + retryAfter);
        long seconds = Long.parseLong(retryAfter);
        assertTrue(seconds >= 1 && seconds <= 60, "Retry-After " + seconds + " is outside 1..60");

        // Refusal starts only once more than the bound waits, and a refused request is not written.
        assertTrue(accepted > MAX_BACKLOG, "refused after only " + accepted + " accepted request(s)");
        assertEquals(accepted, recordsOn(REQUEST_TOPIC), "records on the request topic");
    }

    private static long recordsOn(String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaBrokerResource.bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                ends.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(ends).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        } catch (Exception e) {
            throw new AssertionError("could not read the end offsets of " + topic, e);
        }
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
