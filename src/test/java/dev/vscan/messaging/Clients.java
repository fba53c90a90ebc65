package dev.vscan.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * String producers and consumers for broker tests; {@code settings} holds bootstrap.servers and any
 * security keys (what the service takes as kafka.*).
 */
public final class Clients {

    private Clients() {}

    public static Map<String, Object> settings(String bootstrapServers, Map<String, Object> security) {
        Map<String, Object> settings = new HashMap<>(security);
        settings.put("bootstrap.servers", bootstrapServers);
        return settings;
    }

    /** Sends one record and waits for the broker's acknowledgement from every in-sync replica. */
    public static void produce(Map<String, Object> settings, String topic, String key, String value)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<String, Object> producer = new HashMap<>(settings);
        producer.put("acks", "all");
        producer.put("max.block.ms", 20_000);
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producer, new StringSerializer(),
                new StringSerializer())) {
            p.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** Sends one record in a transaction and commits it. */
    public static void produceInTransaction(Map<String, Object> settings, String topic, String key, String value) {
        Map<String, Object> producer = new HashMap<>(settings);
        producer.put("transactional.id", "test-" + UUID.randomUUID());
        try (KafkaProducer<String, String> p = new KafkaProducer<>(producer, new StringSerializer(),
                new StringSerializer())) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>(topic, key, value));
            p.commitTransaction();
        }
    }

    /** A consumer in a new group, reading committed records from the start of the topic. */
    public static KafkaConsumer<String, String> consumer(Map<String, Object> settings, String topic) {
        Map<String, Object> consumer = new HashMap<>(settings);
        consumer.put("group.id", "test-" + UUID.randomUUID());
        consumer.put("auto.offset.reset", "earliest");
        consumer.put("isolation.level", "read_committed");
        KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer, new StringDeserializer(),
                new StringDeserializer());
        c.subscribe(List.of(topic));
        return c;
    }

    /** The values of the records with this key, read until the first turns up or 30 s pass. */
    public static List<String> read(Map<String, Object> settings, String topic, String key) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(settings, topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                    if (key.equals(r.key())) {
                        values.add(r.value());
                    }
                });
            }
        }
        return values;
    }
}
