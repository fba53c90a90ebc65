package dev.vscan.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.messaging.EmbeddedKafkaBroker;
import dev.vscan.model.TestModels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The service's path through Kafka next to a bare Kafka round trip of the same records on the same
 * broker. Bare: the request records go to topic A, a relay (consumer of A, producer to B, nothing in
 * between) forwards each, and a consumer of B times its arrival. Service: the same records go to
 * vscan.requests and the answers are timed on vscan.results. Rounds alternate bare and service so that
 * both see the same machine; a warm-up of each comes first. Not a test: bench/path.sh starts the
 * service with the echo engine and runs this.
 *
 * <p>Arguments: {@code --bootstrap HOST:PORT [--requests 2000] [--rounds 3] [--warmup-seconds 40] [--rate 0]
 * [--service-pid PID [--profile-out FILE [--profile-requests 10000]]]}. Rate 0 sends as fast as the producer
 * takes records; a rate paces the sends, so latency shows the path rather than the queue a burst builds.
 * The service's pid adds the CPU its JVM spends per request; with a profile file, one more service
 * burst runs under JFR in that JVM (see {@link JfrHotspots}).
 */
public final class PathThroughputBenchmark {

    private static final String REQUESTS = "vscan.requests";
    private static final String RESULTS = "vscan.results";
    private static final String BARE_IN = "path.bare.requests";
    private static final String BARE_OUT = "path.bare.results";
    private static final Duration ROUND_LIMIT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** JFR's default sampling (20 ms) gives too few samples in a burst of seconds. */
    private static final String PROFILE_PERIOD = "5ms";

    /**
     * One round's numbers. CPU is per request, from the first send to the last arrival, of the JVM that
     * runs the broker (and in the service rounds the service) and of this one (the producer, the
     * consumers and in the bare rounds the relay); NaN when it cannot be read.
     */
    record Round(int requests, double requestsPerSecond, double p50Ms, double p99Ms, double brokerCpuMs,
            double clientCpuMs) {}

    /** Where one path's requests go and where their arrivals are timed. */
    private record Target(String topic, Arrivals arrivals, boolean answered) {}

    private PathThroughputBenchmark() {}

    // The relay is a resource for what its thread does; the body never calls it.
    @SuppressWarnings("try")
    public static void main(String[] args) throws Exception {
        String bootstrap = BenchOptions.option(args, "--bootstrap", "127.0.0.1:9092");
        int requests = Integer.parseInt(BenchOptions.option(args, "--requests", "2000"));
        int rounds = Integer.parseInt(BenchOptions.option(args, "--rounds", "3"));
        int warmupSeconds = Integer.parseInt(BenchOptions.option(args, "--warmup-seconds", "40"));
        double rate = Double.parseDouble(BenchOptions.option(args, "--rate", "0"));
        String servicePid = BenchOptions.option(args, "--service-pid", "");
        String profileOut = BenchOptions.option(args, "--profile-out", "");
        int profileRequests = Integer.parseInt(BenchOptions.option(args, "--profile-requests", "10000"));
        String image = Base64.getEncoder().encodeToString(TestModels.png(11, 112, 112));
        String run = UUID.randomUUID().toString().substring(0, 8);

        int partitions = partitionCount(bootstrap, REQUESTS);
        EmbeddedKafkaBroker.createTopics(bootstrap, Map.of(BARE_IN, partitions, BARE_OUT, partitions));

        List<Round> bare = new ArrayList<>();
        List<Round> service = new ArrayList<>();
        try (KafkaProducer<String, byte[]> producer = EndToEndBenchmark.producer(bootstrap);
                Relay relay = new Relay(bootstrap, BARE_IN, BARE_OUT).start();
                Arrivals bareArrivals = new Arrivals(bootstrap, BARE_OUT).start();
                Arrivals serviceArrivals = new Arrivals(bootstrap, RESULTS).start()) {
            Driver driver = new Driver(producer, image, rate, servicePid);
            Target barePath = new Target(BARE_IN, bareArrivals, false);
            Target servicePath = new Target(REQUESTS, serviceArrivals, true);
            if (!profileOut.isEmpty()) {
                // JFR's first start in a JVM instruments classes and deoptimises code that inlined them; the
                // service then runs at a third of its pace until the JIT catches up. Pay that before warm-up.
                startRecording(servicePid, "vscan-prime");
                jcmd(servicePid, "JFR.stop", "name=vscan-prime");
            }
            driver.warmUp(barePath, servicePath, requests, run, warmupSeconds);
            String loadBefore = loadAverage();
            for (int r = 1; r <= rounds; r++) {
                bare.add(driver.round(barePath, requests, run + "-bare-" + r));
                settle();
                service.add(driver.round(servicePath, requests, run + "-service-" + r));
                settle();
            }
            printTables(bare, service, partitions, image.length(), rate);
            // Other processes on the machine take CPU from both paths, the bare one's short rounds most.
            System.out.printf(Locale.ROOT, "%nMachine: %d cores, load average %s before the rounds and %s after%n",
                    Runtime.getRuntime().availableProcessors(), loadBefore, loadAverage());
            if (!profileOut.isEmpty()) {
                startRecording(servicePid, "vscan-path");
                Round profiled = driver.round(servicePath, profileRequests, run + "-profile");
                Path out = Path.of(profileOut).toAbsolutePath();
                jcmd(servicePid, "JFR.stop", "name=vscan-path", "filename=" + out);
                System.out.printf(Locale.ROOT, "%nProfiled burst: %d requests at %.0f requests/s, recording in %s%n",
                        profiled.requests(), profiled.requestsPerSecond(), out);
            }
        }
    }

    /**
     * The last answer is not the last work: telemetry, offset commits and garbage from the round are
     * still in flight; let them finish so that they do not land in the next round, bare or not.
     */
    private static void settle() throws InterruptedException {
        Thread.sleep(1000);
    }

    /** Sends rounds of request records with one producer and times their arrivals. */
    private static final class Driver {
        private final KafkaProducer<String, byte[]> producer;
        private final String image;
        private final double rate;
        private final String servicePid;
        private final String clientPid = String.valueOf(ProcessHandle.current().pid());

        Driver(KafkaProducer<String, byte[]> producer, String image, double rate, String servicePid) {
            this.producer = producer;
            this.image = image;
            this.rate = rate;
            this.servicePid = servicePid;
        }

        /**
         * Warm-up by time, not by rounds: a bare round lasts well under a second, too short for the JIT
         * to finish the clients' and the broker's hot paths, and the service keeps speeding up for tens
         * of seconds of load on 2 cores; a third of the time goes to the bare path. Nothing is kept.
         */
        void warmUp(Target bare, Target service, int n, String run, int seconds) throws Exception {
            long warmup = Duration.ofSeconds(seconds).toNanos();
            long until = System.nanoTime() + warmup / 3;
            for (int w = 0; w == 0 || System.nanoTime() < until; w++) {
                round(bare, n, run + "-warm-bare-" + w);
            }
            until = System.nanoTime() + warmup - warmup / 3;
            for (int w = 0; w == 0 || System.nanoTime() < until; w++) {
                round(service, n, run + "-warm-service-" + w);
            }
            settle();
        }

        /**
         * Sends {@code n} request records to the target's topic, built before the clock starts so that
         * the timed loop only hands them to the producer, and waits for each to arrive on the followed
         * topic. Throughput runs from the first send to the last arrival; latency is per record, send to
         * arrival. CPU over the same span: by the last arrival the bare path's work is done, and the
         * service has only the last few answers' telemetry and commits left.
         */
        Round round(Target target, int n, String tag) throws Exception {
            List<ProducerRecord<String, byte[]>> records = new ArrayList<>(n);
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < n; i++) {
                String id = tag + "-" + i;
                records.add(EndToEndBenchmark.requestRecord(target.topic(), id, image));
                index.put(id, i);
            }
            Expected expected = target.arrivals().expect(index);
            long interval = rate > 0 ? (long) (1e9 / rate) : 0;
            long[] sentAt = new long[n];
            double brokerCpu = cpuMillis(servicePid);
            double clientCpu = cpuMillis(clientPid);
            long start = System.nanoTime();
            for (int i = 0; i < n; i++) {
                if (interval > 0) {
                    long due = start + i * interval;
                    for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
                        LockSupport.parkNanos(Math.min(due - now, 200_000));
                    }
                }
                sentAt[i] = System.nanoTime();
                producer.send(records.get(i));
            }
            producer.flush();
            if (!expected.done.await(ROUND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IllegalStateException(tag + ": " + expected.done.getCount() + " of " + n
                        + " records missing on " + target.arrivals().topic + " after " + ROUND_LIMIT.toMinutes()
                        + " minutes");
            }
            brokerCpu = (cpuMillis(servicePid) - brokerCpu) / n;
            clientCpu = (cpuMillis(clientPid) - clientCpu) / n;
            if (target.answered()) {
                checkAnswered(tag, expected.values);
            }
            long last = start;
            List<Double> latencies = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                last = Math.max(last, expected.arrivedAt[i]);
                latencies.add((expected.arrivedAt[i] - sentAt[i]) / 1e6);
            }
            latencies.sort(null);
            return new Round(n, n / ((last - start) / 1e9), EndToEndBenchmark.percentile(latencies, 0.50),
                    EndToEndBenchmark.percentile(latencies, 0.99), brokerCpu, clientCpu);
        }

        private static double cpuMillis(String pid) {
            if (pid.isEmpty()) {
                return Double.NaN;
            }
            return ProcessHandle.of(Long.parseLong(pid)).flatMap(h -> h.info().totalCpuDuration())
                    .map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
        }
    }

    /** After the clock stopped: an error answer would make the service look fast for the wrong reason. */
    private static void checkAnswered(String tag, byte[][] values) throws IOException {
        for (byte[] value : values) {
            JsonNode result = JSON.readTree(value);
            if (!"ok".equals(result.path("status").asText())) {
                throw new IllegalStateException(tag + ": the service answered " + result.path("status").asText()
                        + " (" + result.path("error") + "); the benchmark needs every request served");
            }
        }
    }

    /** The rounds one by one, bare and service side by side. */
    private static void printTables(List<Round> bare, List<Round> service, int partitions, int imageChars,
            double rate) {
        System.out.printf(Locale.ROOT, "%d requests per round, %s, %d partitions, %d-character base64 PNG per request%n%n",
                bare.get(0).requests(), rate > 0 ? String.format(Locale.ROOT, "paced at %.0f/s", rate)
                        : "sent as fast as possible", partitions, imageChars);
        System.out.println("| round | bare requests/s | service requests/s | ratio | bare p99 ms | service p99 ms | ratio |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (int i = 0; i < bare.size(); i++) {
            Round b = bare.get(i);
            Round s = service.get(i);
            System.out.printf(Locale.ROOT, "| %d | %.0f | %.0f | %.2f | %.1f | %.1f | %.2f |%n", i + 1,
                    b.requestsPerSecond(), s.requestsPerSecond(), s.requestsPerSecond() / b.requestsPerSecond(),
                    b.p99Ms(), s.p99Ms(), s.p99Ms() / b.p99Ms());
        }
        printSummary(bare, service, rate);
    }

    /** Medians of the rounds side by side, their ratios, and whether the targets are met. */
    private static void printSummary(List<Round> bare, List<Round> service, double rate) {
        double[] b = medians(bare);
        double[] s = medians(service);
        System.out.println();
        // The range is there because a bare round of a few thousand records lasts a fraction of a
        // second on a small machine: one scheduling hiccup moves it a lot, the median much less.
        System.out.println("| configuration | requests/s (median) | requests/s (min - max) | p50 ms | p99 ms"
                + " | CPU ms/request, broker JVM | CPU ms/request, client JVM |");
        System.out.println("|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| bare Kafka round trip (producer, relay, consumer) | %.0f | %s | %.1f | %.1f"
                + " | %.3f | %.3f |%n", b[0], range(bare), b[1], b[2], b[3], b[4]);
        System.out.printf(Locale.ROOT, "| service, engine echo (broker in its JVM) | %.0f | %s | %.1f | %.1f"
                + " | %.3f | %.3f |%n", s[0], range(service), s[1], s[2], s[3], s[4]);
        System.out.printf(Locale.ROOT, "| service / bare | %.2f | | %.2f | %.2f | %.1f | %.1f |%n", s[0] / b[0],
                s[1] / b[1], s[2] / b[2], s[3] / b[3], s[4] / b[4]);
        if (rate > 0) {
            // Both paths keep up with the pace, so requests/s is the rate and CPU per record includes what
            // the JVMs (and this one's pacing loop) spend between records: only latency compares.
            System.out.printf(Locale.ROOT, "%nPaced: requests/s and CPU per request do not compare; service p99 under"
                    + " 2x the bare p99: %s%n", s[2] / b[2] < 2 ? "met" : "NOT met");
        } else {
            System.out.printf(Locale.ROOT, "%nTarget: service at least 0.5x the bare requests/s: %s; service p99 under"
                    + " 2x the bare p99: %s%n", s[0] / b[0] >= 0.5 ? "met" : "NOT met", s[2] / b[2] < 2 ? "met" : "NOT met");
        }
    }

    private static String range(List<Round> rounds) {
        var stats = rounds.stream().mapToDouble(Round::requestsPerSecond).summaryStatistics();
        return String.format(Locale.ROOT, "%.0f - %.0f", stats.getMin(), stats.getMax());
    }

    /** Medians over the rounds of requests/s, p50, p99 and both CPU figures. */
    private static double[] medians(List<Round> rounds) {
        return new double[] {
            BenchOptions.median(rounds.stream().mapToDouble(Round::requestsPerSecond).toArray()),
            BenchOptions.median(rounds.stream().mapToDouble(Round::p50Ms).toArray()),
            BenchOptions.median(rounds.stream().mapToDouble(Round::p99Ms).toArray()),
            BenchOptions.median(rounds.stream().mapToDouble(Round::brokerCpuMs).toArray()),
            BenchOptions.median(rounds.stream().mapToDouble(Round::clientCpuMs).toArray())};
    }

    private static int partitionCount(String bootstrap, String topic) {
        try (KafkaConsumer<String, byte[]> probe = consumer(bootstrap)) {
            return probe.partitionsFor(topic).size();
        }
    }

    /** The 1-minute load average, or "unknown" off Linux. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void startRecording(String pid, String name) throws IOException, InterruptedException {
        jcmd(pid, "JFR.start", "name=" + name, "settings=default", "jdk.ExecutionSample#period=" + PROFILE_PERIOD,
                "jdk.NativeMethodSample#period=" + PROFILE_PERIOD);
    }

    private static void jcmd(String pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>();
        line.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        line.add(pid);
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (process.waitFor() != 0 || output.contains("Could not") || output.contains("Exception")) {
            throw new IllegalStateException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
    }

    /**
     * Read committed, like the client of a transactional service must read; for the bare path and
     * for today's non-transactional producers it changes nothing but keeps both sides configured alike.
     * Fetch sizes as the service's request consumer has them.
     */
    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
        p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 4 * EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** The records a round waits for, filled in by the follower's thread. */
    private static final class Expected {
        final Map<String, Integer> index;
        final long[] arrivedAt;
        final byte[][] values;
        final CountDownLatch done;

        Expected(Map<String, Integer> index) {
            this.index = index;
            this.arrivedAt = new long[index.size()];
            this.values = new byte[index.size()][];
            this.done = new CountDownLatch(index.size());
        }

        /** A record delivered twice (at-least-once) counts at its first arrival. */
        void arrived(String key, byte[] value, long nanos) {
            Integer i = key == null ? null : index.get(key);
            if (i != null && arrivedAt[i] == 0) {
                arrivedAt[i] = nanos;
                values[i] = value;
                done.countDown();
            }
        }
    }

    /**
     * A thread that reads every partition of a topic from where it ended when the follower started;
     * the consumer lives and dies on that thread.
     */
    private abstract static class Follower<F extends Follower<F>> implements AutoCloseable {
        final String topic;
        private final Thread thread;
        private final CountDownLatch positioned = new CountDownLatch(1);
        private volatile KafkaConsumer<String, byte[]> consumer;
        private volatile boolean closed;

        Follower(String bootstrap, String topic, String name) {
            this.topic = topic;
            this.thread = new Thread(() -> follow(bootstrap), name);
            thread.setDaemon(true);
        }

        /** Started once the subclass is fully built, so that its thread never sees it half made. */
        @SuppressWarnings("unchecked")
        F start() throws InterruptedException {
            thread.start();
            if (!positioned.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("could not position a consumer on " + topic);
            }
            return (F) this;
        }

        private void follow(String bootstrap) {
            try (KafkaConsumer<String, byte[]> c = consumer(bootstrap)) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo info : c.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(info.topic(), info.partition()));
                }
                c.assign(partitions);
                c.seekToEnd(partitions);
                partitions.forEach(c::position);
                consumer = c;
                positioned.countDown();
                while (!closed) {
                    handle(c.poll(Duration.ofMillis(100)));
                }
            } catch (WakeupException e) {
                // close() woke the poll up: the follower is done
            }
        }

        abstract void handle(ConsumerRecords<String, byte[]> records);

        @Override
        public void close() {
            closed = true;
            KafkaConsumer<String, byte[]> c = consumer;
            if (c != null) {
                c.wakeup();
            }
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Times each record's arrival for the round that expects it; other records pass unseen. */
    private static final class Arrivals extends Follower<Arrivals> {
        private volatile Expected expected;

        Arrivals(String bootstrap, String topic) {
            super(bootstrap, topic, "arrivals-" + topic);
        }

        Expected expect(Map<String, Integer> index) {
            Expected e = new Expected(index);
            expected = e;
            return e;
        }

        @Override
        void handle(ConsumerRecords<String, byte[]> records) {
            Expected e = expected;
            long now = System.nanoTime();
            if (e != null) {
                for (ConsumerRecord<String, byte[]> r : records) {
                    e.arrived(r.key(), r.value(), now);
                }
            }
        }
    }

    /**
     * The bare path's middle: every record of one topic written unchanged to another, with the
     * service's result producer settings (acks all, linger 1 ms), and no offsets committed.
     */
    private static final class Relay extends Follower<Relay> {
        private final String to;
        private final KafkaProducer<String, byte[]> producer;

        Relay(String bootstrap, String from, String to) {
            super(bootstrap, from, "relay-" + from);
            this.to = to;
            this.producer = new KafkaProducer<>(relayProducer(bootstrap), new StringSerializer(),
                    new ByteArraySerializer());
        }

        private static Properties relayProducer(String bootstrap) {
            Properties p = new Properties();
            p.put("bootstrap.servers", bootstrap);
            p.put("acks", "all");
            p.put("linger.ms", 1);
            p.put("max.request.size", EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
            return p;
        }

        @Override
        void handle(ConsumerRecords<String, byte[]> records) {
            for (ConsumerRecord<String, byte[]> r : records) {
                producer.send(new ProducerRecord<>(to, null, r.key(), r.value(), r.headers()));
            }
        }

        @Override
        public void close() {
            super.close();
            producer.close(Duration.ofSeconds(10));
        }
    }
}
