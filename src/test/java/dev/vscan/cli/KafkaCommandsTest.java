package dev.vscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.messaging.Clients;
import dev.vscan.messaging.EmbeddedKafkaBroker;
import dev.vscan.model.TestModels;
import dev.vscan.wire.DeadLetterRecord;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.InferenceResult.Status;
import dev.vscan.wire.MessageJson;
import dev.vscan.wire.TelemetryEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * send and follow against a real broker. Here the test itself answers the requests, writing results in Kafka
 * transactions as the service does (and aborting some, which must never be shown); CommandLineIT runs them
 * against the packaged service.
 */
class KafkaCommandsTest {

    private static EmbeddedKafkaBroker broker;
    private static Map<String, Object> clients;

    @TempDir
    Path tmp;

    private KafkaSettings.Topics topics;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = EmbeddedKafkaBroker.start(Files.createTempDirectory("vscan-cli-kafka"), 0);
        clients = Clients.settings(broker.bootstrapServers(), Map.of());
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    /** Topics of each test's own, so that reading from the beginning sees only its records. */
    @BeforeEach
    void createTopics() {
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        topics = new KafkaSettings.Topics(prefix + ".requests", prefix + ".results", prefix + ".telemetry",
                prefix + ".dlq");
        broker.createTopics(Map.of(topics.requests(), 2, topics.results(), 3, topics.telemetry(), 2, topics.dlq(), 1));
    }

    private String[] command(String name, String... args) {
        return Stream.concat(Stream.of(name, "--bootstrap", broker.bootstrapServers(), "--requests-topic",
                topics.requests(), "--results-topic", topics.results(), "--telemetry-topic", topics.telemetry(),
                "--dlq-topic", topics.dlq()), Stream.of(args)).toArray(String[]::new);
    }

    private Path images(String... names) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("images"));
        for (int i = 0; i < names.length; i++) {
            Files.write(dir.resolve(names[i]), TestModels.png(i, 40, 30));
        }
        return dir;
    }

    @Test
    void sendPrintsTheCommittedAnswerToEachRequestAndNoOlderOne() throws Exception {
        // an answer under the same id from before this send must not be taken for this one
        Clients.produceInTransaction(clients, topics.results(), "s-a", json(ok("s-a", "an old answer")));
        Path dir = images("a.png", "b.png");
        try (Responder responder = new Responder(request -> Status.ok)) {
            MainTest.Result r = MainTest.run(command("send", "--prompt", "how many shapes?", "--images-from",
                    dir.toString(), "--id", "s", "--max-new-tokens", "3"));
            assertEquals(0, r.status(), r.err());
            assertEquals("", r.err());
            assertEquals(Set.of("s-a: 1 image, 'how many shapes?', max 3", "s-b: 1 image, 'how many shapes?', max 3"),
                    lines(r.out()));
            assertEquals(2, responder.aborted.size(), "the responder aborted one attempt per request first");
        }
    }

    @Test
    void anAnswerThatIsNotOkAndAMissingOneMakeTheStatusOne() throws Exception {
        Path dir = images("ok.png", "bad.png", "none.png");
        try (Responder responder = new Responder(request -> request.path("id").asText().endsWith("-none") ? null
                : request.path("id").asText().endsWith("-bad") ? Status.invalid : Status.ok)) {
            MainTest.Result r = MainTest.run(command("send", "--prompt", "hi", "--images-from", dir.toString(),
                    "--id", "m", "--wait", "5"));
            assertEquals(1, r.status());
            assertEquals(Set.of("m-ok: 1 image, 'hi', max default", "m-bad: invalid image_undecodable: refused m-bad"),
                    lines(r.out()));
            assertEquals("error: no result within 5 s for 1 of 3 requests: m-none; --wait SECONDS waits longer, and an"
                    + " --id the service saw within vscan.dedup.window (10 min by default) is not answered again", r.err().strip());
        }
    }

    @Test
    void sendWithoutWaitingPrintsTheIdsItWrote() throws Exception {
        MainTest.Result r = MainTest.run(command("send", "--prompt", "hi", "--images-from", images("x.png", "y.png")
                .toString(), "--id", "n", "--wait", "0"));
        assertEquals(0, r.status(), r.err());
        assertEquals(List.of("n-x", "n-y"), r.out().lines().toList());
        try (KafkaConsumer<String, String> requests = Clients.consumer(clients, topics.requests())) {
            Map<String, JsonNode> written = new HashMap<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (written.size() < 2 && System.nanoTime() < deadline) {
                requests.poll(Duration.ofMillis(200)).forEach(rec -> written.put(rec.key(), parse(rec.value())));
            }
            assertEquals(Set.of("n-x", "n-y"), written.keySet());
            written.forEach((key, request) -> assertEquals(key, request.get("id").asText(), "keyed by its id"));
        }
    }

    @Test
    void followPrintsCommittedRecordsOfEveryTopicFromTheBeginning() throws Exception {
        Clients.produceInTransaction(clients, topics.results(), "f-1", json(ok("f-1", "blue")));
        Clients.produceInTransaction(clients, topics.telemetry(), "f-1", json(telemetry("f-1")));
        Clients.produceInTransaction(clients, topics.dlq(), "f-2", json(new DeadLetterRecord("f-2", "malformed_json",
                "request is not valid JSON", "{", null, Map.of(), topics.requests(), 0, 7L, 1L)));
        Clients.produceInTransaction(clients, topics.results(), "f-2", json(InferenceResult.failure("f-2",
                Status.invalid, "malformed_json", "request is not valid JSON", "m")));
        abort(topics.results(), "f-3", json(ok("f-3", "never committed")));

        MainTest.Result all = MainTest.run(command("follow", "--from-beginning", "--idle", "3"));
        assertEquals(0, all.status(), all.err());
        assertEquals(Set.of("result f-1 ok: blue (visual 576, generated 1, 9.0 ms)",
                "telemetry f-1 vscan: visual 576 -> 64 -> 32, batch 2, first token 20.0 ms, 2.0 ms/token",
                "dlq f-2 malformed_json: request is not valid JSON (" + topics.requests() + " partition 0 offset 7)",
                "result f-2 invalid malformed_json: request is not valid JSON"), lines(all.out()));

        MainTest.Result two = MainTest.run(command("follow", "--from-beginning", "--count", "2", "--id", "f-2",
                "--topics", "dlq,results", "--json"));
        assertEquals(0, two.status(), two.err());
        List<JsonNode> records = two.out().lines().map(line -> parse(line)).toList();
        assertEquals(Set.of(topics.dlq(), topics.results()),
                records.stream().map(j -> j.get("topic").asText()).collect(Collectors.toSet()));
        records.forEach(j -> assertEquals("f-2", j.get("key").asText()));
        records.forEach(j -> assertEquals("f-2", j.get("value").get("id").asText()));
    }

    @Test
    void followStartsAtTheEndAndStopsAfterCountRecords() throws Exception {
        Clients.produceInTransaction(clients, topics.results(), "old", json(ok("old", "before follow started")));
        CompletableFuture<MainTest.Result> follow = CompletableFuture.supplyAsync(
                () -> MainTest.run(command("follow", "--count", "2", "--topics", "results")));
        // follow is positioned at some moment we cannot see: keep answering until it has printed two
        for (int i = 0; !follow.isDone() && i < 100; i++) {
            Clients.produceInTransaction(clients, topics.results(), "new-" + i, json(ok("new-" + i, "live")));
            Thread.sleep(200);
        }
        MainTest.Result r = follow.get(30, TimeUnit.SECONDS);
        assertEquals(0, r.status(), r.err());
        List<String> printed = r.out().lines().toList();
        assertEquals(2, printed.size(), r.out());
        printed.forEach(line -> assertTrue(line.startsWith("result new-") && line.contains(" ok: live "), line));
    }

    @Test
    void aMissingTopicIsNamed() {
        MainTest.Result r = MainTest.run("follow", "--bootstrap", broker.bootstrapServers(), "--topics", "dlq",
                "--dlq-topic", "no.such.topic", "--count", "1");
        assertEquals(1, r.status(), r.err());
        assertEquals("error: topic no.such.topic does not exist on " + broker.bootstrapServers(), r.err().strip());
    }

    private static Set<String> lines(String out) {
        return out.lines().collect(Collectors.toSet());
    }

    private static InferenceResult ok(String id, String answer) {
        return new InferenceResult(id, Status.ok, answer, null, new InferenceResult.TokenCounts(600, 24, 576, 1),
                new InferenceResult.Timings(1, 2, 3, 1, 9, 6, 0), "m");
    }

    private static TelemetryEvent telemetry(String id) {
        return new TelemetryEvent(id, "m", "worker-0", "vscan", 2, 1, 20, 2, 1, Map.of("visual_tokens_in", 576,
                "visual_tokens_after_stage1", 64, "visual_tokens_after_stage2", 32), 1L);
    }

    private static String json(Object record) {
        return new String(MessageJson.write(record), StandardCharsets.UTF_8);
    }

    private static JsonNode parse(String json) {
        return MessageJson.tree(json.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes a record in a transaction that is then aborted: a read_committed reader never sees it. */
    private static void abort(String topic, String key, String value) {
        Map<String, Object> config = new HashMap<>(clients);
        config.put("transactional.id", "abort-" + UUID.randomUUID());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(topic, key, value));
            p.flush();
            p.abortTransaction();
        }
    }

    /**
     * Answers each request on the request topic as the service would, keyed by id, in a transaction: first an
     * aborted attempt, then the committed answer, which tells what it read ("1 image, 'PROMPT', max 3"). The
     * status function picks the status per request; null leaves it unanswered.
     */
    private final class Responder implements AutoCloseable {

        final List<String> aborted = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final AtomicBoolean stop = new AtomicBoolean();
        private final CompletableFuture<Void> loop;

        Responder(java.util.function.Function<JsonNode, Status> status) {
            loop = CompletableFuture.runAsync(() -> {
                try (KafkaConsumer<String, String> requests = Clients.consumer(clients, topics.requests())) {
                    while (!stop.get()) {
                        for (ConsumerRecord<String, String> r : requests.poll(Duration.ofMillis(100))) {
                            answer(r, status.apply(parse(r.value())));
                        }
                    }
                }
            });
        }

        private void answer(ConsumerRecord<String, String> r, Status status) {
            if (status == null) {
                return;
            }
            JsonNode request = parse(r.value());
            String id = request.get("id").asText();
            assertEquals(r.key(), id, "requests are keyed by their id");
            abort(topics.results(), id, json(ok(id, "an aborted attempt")));
            aborted.add(id);
            InferenceResult result = status == Status.ok
                    ? ok(id, request.path("images").size() + " image, '" + request.get("prompt").asText() + "', max "
                            + request.path("options").path("max_new_tokens").asText("default"))
                    : InferenceResult.failure(id, status, "image_undecodable", "refused " + id, "m");
            Clients.produceInTransaction(clients, topics.results(), id, json(result));
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            loop.get(30, TimeUnit.SECONDS);
        }
    }
}
