package dev.vscan.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.model.TestModels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Load generator for a running service: a paced phase measures the per-request overhead (time from
 * produce to result, minus the engine's own vision, prefill and decode time), a burst phase measures
 * throughput. Not a test: bench/e2e.sh starts the service in each configuration and runs this.
 *
 * <p>Arguments: {@code --bootstrap HOST:PORT [--label TEXT] [--warmup 500] [--paced 200] [--rate 20] [--burst 2000]}
 */
public final class EndToEndBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EndToEndBenchmark() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = BenchOptions.option(args, "--bootstrap", "127.0.0.1:9092");
        String label = BenchOptions.option(args, "--label", "");
        int paced = Integer.parseInt(BenchOptions.option(args, "--paced", "200"));
        int rate = Integer.parseInt(BenchOptions.option(args, "--rate", "20"));
        int burst = Integer.parseInt(BenchOptions.option(args, "--burst", "2000"));
        int warmup = Integer.parseInt(BenchOptions.option(args, "--warmup", "500"));
        byte[] image = TestModels.png(11, 112, 112);
        String data = Base64.getEncoder().encodeToString(image);

        try (KafkaProducer<String, byte[]> producer = producer(bootstrap);
                KafkaConsumer<String, byte[]> results = resultsAtEnd(bootstrap)) {
            Map<String, Long> sent = new ConcurrentHashMap<>();
            Map<String, double[]> received = new HashMap<>();

            // Warm-up: the JIT compiles the hot paths of the service; nothing measured.
            List<String> warm = new ArrayList<>();
            for (int i = 0; i < warmup; i++) {
                String id = "warmup-" + UUID.randomUUID();
                warm.add(id);
                send(producer, id, data, sent);
            }
            producer.flush();
            awaitAll(results, warm, sent, received);

            // Paced: one request every 1/rate s, so requests rarely wait for each other.
            long interval = 1_000_000_000L / rate;
            long next = System.nanoTime();
            List<String> pacedIds = new ArrayList<>();
            for (int i = 0; i < paced; i++) {
                while (System.nanoTime() < next) {
                    drain(results, sent, received, Duration.ofMillis(1));
                }
                next += interval;
                String id = "paced-" + UUID.randomUUID();
                pacedIds.add(id);
                send(producer, id, data, sent);
            }
            awaitAll(results, pacedIds, sent, received);
            List<Double> overhead = new ArrayList<>();
            for (String id : pacedIds) {
                double[] r = received.get(id);
                overhead.add(r[0] - r[1]);
            }
            Collections.sort(overhead);

            // Burst: everything at once; throughput from the first send to the last result.
            List<String> burstIds = new ArrayList<>();
            long start = System.nanoTime();
            for (int i = 0; i < burst; i++) {
                String id = "burst-" + UUID.randomUUID();
                burstIds.add(id);
                send(producer, id, data, sent);
            }
            producer.flush();
            awaitAll(results, burstIds, sent, received);
            double seconds = (System.nanoTime() - start) / 1e9;

            System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.0f |%n", label,
                    percentile(overhead, 0.50), percentile(overhead, 0.99), mean(pacedIds, received, 1),
                    mean(pacedIds, received, 2), burst / seconds);
        }
    }

    private static void send(KafkaProducer<String, byte[]> producer, String id, String data, Map<String, Long> sent)
            throws Exception {
        ProducerRecord<String, byte[]> record = requestRecord("vscan.requests", id, data);
        sent.put(id, System.nanoTime());
        producer.send(record);
    }

    /** One request record as the benchmarks send it: a question, one inline image, one new token. */
    static ProducerRecord<String, byte[]> requestRecord(String topic, String id, String imageBase64) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(Map.of("id", id, "prompt", "what colour is the circle ?",
                    "images", List.of(Map.of("data", imageBase64)), "options", Map.of("max_new_tokens", 1)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a request body", e);
        }
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic, id, body);
        record.headers().add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        return record;
    }

    /** Records, per answered id: [end-to-end ms minus engine ms, engine ms, ms inside the service]. */
    private static void drain(KafkaConsumer<String, byte[]> results, Map<String, Long> sent,
            Map<String, double[]> received, Duration wait) throws Exception {
        for (ConsumerRecord<String, byte[]> r : results.poll(wait)) {
            Long t0 = sent.get(r.key());
            if (t0 == null) {
                continue;
            }
            double total = (System.nanoTime() - t0) / 1e6;
            JsonNode result = JSON.readTree(r.value());
            JsonNode t = result.get("timings");
            double engine = t == null ? 0 : t.get("vision_ms").asDouble() + t.get("prefill_ms").asDouble()
                    + t.get("decode_ms").asDouble();
            double inService = t == null ? 0 : t.get("total_ms").asDouble();
            received.put(r.key(), new double[] {total - engine, engine, inService});
        }
    }

    private static void awaitAll(KafkaConsumer<String, byte[]> results, List<String> ids, Map<String, Long> sent,
            Map<String, double[]> received) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (!received.keySet().containsAll(ids)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("results missing after 10 minutes");
            }
            drain(results, sent, received, Duration.ofMillis(50));
        }
    }

    private static double mean(List<String> ids, Map<String, double[]> received, int field) {
        return ids.stream().mapToDouble(id -> received.get(id)[field]).average().orElse(0);
    }

    static double percentile(List<Double> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** The request producer of every benchmark here: what a latency-minded client would configure. */
    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Reads the result topic from its current end, so only this run's answers are seen. */
    private static KafkaConsumer<String, byte[]> resultsAtEnd(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor("vscan.results")) {
            partitions.add(new TopicPartition(info.topic(), info.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }
}
