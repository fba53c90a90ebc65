package dev.vscan.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Every result committed on the result topic since the ledger opened, counted per request id, as a
 * client reading with isolation.level=read_committed sees them. A count above one is a duplicate answer.
 */
final class ResultLedger implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** When a request's first result arrived, and how many results it got. */
    record Entry(long firstNanos, int count, String status) {}

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, Entry> byId = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();
    private final Thread reader;
    private volatile boolean running = true;

    ResultLedger(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo info : consumer.partitionsFor(topic)) {
            partitions.add(new TopicPartition(topic, info.partition()));
        }
        // From the current end: only this run's answers count.
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        reader = new Thread(this::read, "result-ledger");
        reader.setDaemon(true);
        reader.start();
    }

    /** Results read so far, duplicates included. */
    long total() {
        return total.get();
    }

    Entry get(String id) {
        return byId.get(id);
    }

    /** How a wait for answers ended. */
    enum Wait { ALL_ANSWERED, STALLED, TIMED_OUT }

    /**
     * Waits until every id has a result, until none of them has been answered for {@code stall} (the
     * rest are not coming), or until {@code timeout}.
     */
    Wait awaitAll(Collection<String> ids, Duration timeout, Duration stall) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long answered = -1;
        long progressAt = System.nanoTime();
        while (true) {
            long now = System.nanoTime();
            long count = ids.stream().filter(byId::containsKey).count();
            if (count == ids.size()) {
                return Wait.ALL_ANSWERED;
            }
            if (count != answered) {
                answered = count;
                progressAt = now;
            } else if (now - progressAt > stall.toNanos()) {
                return Wait.STALLED;
            }
            if (now > deadline) {
                return Wait.TIMED_OUT;
            }
            Thread.sleep(100);
        }
    }

    /** The latest first arrival among the ids that have a result; 0 when none has. */
    long lastArrivalNanos(Collection<String> ids) {
        long last = 0;
        for (String id : ids) {
            Entry e = byId.get(id);
            if (e != null) {
                last = Math.max(last, e.firstNanos());
            }
        }
        return last;
    }

    private void read() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                    total.incrementAndGet();
                    if (r.key() == null) {
                        continue;
                    }
                    long now = System.nanoTime();
                    String status = status(r.value());
                    byId.merge(r.key(), new Entry(now, 1, status),
                            (old, added) -> new Entry(old.firstNanos(), old.count() + 1, old.status()));
                }
            }
        } catch (WakeupException closing) {
            // close() woke the poll
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    private static String status(byte[] value) {
        try {
            return JSON.readTree(value).path("status").asText("?");
        } catch (IOException e) {
            return "unreadable";
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        reader.join(5_000);
    }
}
