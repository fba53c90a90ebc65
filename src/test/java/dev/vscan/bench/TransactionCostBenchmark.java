package dev.vscan.bench;

import dev.vscan.messaging.EmbeddedKafkaBroker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The cost of committing a batch of answers exactly once, measured as the worker does it: begin, send the
 * batch's result and telemetry records, send the consumed offsets to the transaction, commit. Next to it,
 * in the same run and alternating batch by batch, the at-least-once way: send the same records
 * idempotently, wait for their acknowledgements, then commit the offsets. Times per batch in milliseconds.
 */
public final class TransactionCostBenchmark {

    private static final byte[] RESULT = new byte[600];
    private static final byte[] TELEMETRY = new byte[1500];

    public static void main(String[] args) throws Exception {
        int batches = Integer.parseInt(BenchOptions.option(args, "--batches", "300"));
        int[] sizes = Arrays.stream(BenchOptions.option(args, "--sizes", "1,8,64").split(","))
                .mapToInt(Integer::parseInt).toArray();
        Path dir = Files.createTempDirectory("vscan-tx-bench");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir, 0)) {
            String bootstrap = broker.bootstrapServers();
            EmbeddedKafkaBroker.createTopics(bootstrap, Map.of("bench.requests", 1, "bench.results", 4,
                    "bench.telemetry", 4));
            try (KafkaConsumer<byte[], byte[]> group = consumer(bootstrap);
                    KafkaProducer<byte[], byte[]> transactional = producer(bootstrap, "bench-worker");
                    KafkaProducer<byte[], byte[]> idempotent = producer(bootstrap, null)) {
                transactional.initTransactions();
                TopicPartition consumed = new TopicPartition("bench.requests", 0);
                group.assign(List.of(consumed));
                System.out.println("| answers per batch | exactly once: median ms | p99 ms | at-least-once: median ms"
                        + " | p99 ms | extra per batch ms (median) |");
                System.out.println("|---|---|---|---|---|---|");
                long offset = 0;
                for (int size : sizes) {
                    double[] tx = new double[batches];
                    double[] plain = new double[batches];
                    for (int b = -20; b < batches; b++) { // 20 warm-up batches per size
                        offset += size;
                        long t0 = System.nanoTime();
                        transactional.beginTransaction();
                        send(transactional, size);
                        transactional.sendOffsetsToTransaction(Map.of(consumed, new OffsetAndMetadata(offset, "vscan1:")),
                                group.groupMetadata());
                        transactional.commitTransaction();
                        long t1 = System.nanoTime();
                        for (Future<RecordMetadata> f : send(idempotent, size)) {
                            f.get();
                        }
                        group.commitSync(Map.of(consumed, new OffsetAndMetadata(offset)));
                        long t2 = System.nanoTime();
                        if (b >= 0) {
                            tx[b] = (t1 - t0) / 1e6;
                            plain[b] = (t2 - t1) / 1e6;
                        }
                    }
                    System.out.printf("| %d | %.2f | %.2f | %.2f | %.2f | %.2f |%n", size, BenchOptions.median(tx),
                            percentile(tx, 0.99), BenchOptions.median(plain), percentile(plain, 0.99),
                            BenchOptions.median(tx) - BenchOptions.median(plain));
                }
            }
        }
    }

    private static List<Future<RecordMetadata>> send(KafkaProducer<byte[], byte[]> producer, int answers) {
        Future<?>[] out = new Future<?>[2 * answers];
        for (int i = 0; i < answers; i++) {
            byte[] key = ("r-" + i).getBytes();
            out[2 * i] = producer.send(new ProducerRecord<>("bench.results", key, RESULT));
            out[2 * i + 1] = producer.send(new ProducerRecord<>("bench.telemetry", key, TELEMETRY));
        }
        @SuppressWarnings("unchecked")
        List<Future<RecordMetadata>> list = (List<Future<RecordMetadata>>) (List<?>) Arrays.asList(out);
        return list;
    }

    private static double percentile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static KafkaProducer<byte[], byte[]> producer(String bootstrap, String transactionalId) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        if (transactionalId != null) {
            p.put("transactional.id", transactionalId);
        }
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "bench-workers");
        p.put("enable.auto.commit", "false");
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
