package dev.vscan.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Once a second: the service process's resident set (/proc/PID/status VmRSS), the workers' consumer
 * lag on the request topic (end offsets minus the group's committed offsets, read as the ingest reads
 * it) and the running totals of the load generator, tagged with the phase under way.
 */
final class ServiceSampler implements AutoCloseable {

    /** One second's reading; counters are totals since the start, so rates come from differences. */
    record Sample(double seconds, String phase, long rssKb, long lag, long accepted, long refused, long produced,
            long answered) {}

    private final long pid;
    private final Admin admin;
    private final String group;
    private final List<TopicPartition> partitions;
    private final Map<String, LongSupplier> counters;
    private final List<Sample> samples = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile String phase = "start";
    private volatile boolean running = true;

    /** @param counters accepted, refused, produced and answered totals, by those names */
    ServiceSampler(long pid, String bootstrap, String topic, String group, Map<String, LongSupplier> counters)
            throws Exception {
        this.pid = pid;
        this.admin = Admin.create(Map.of("bootstrap.servers", bootstrap));
        this.group = group;
        this.counters = Map.copyOf(counters);
        int count = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic)
                .partitions().size();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        this.partitions = List.copyOf(tps);
        this.thread = new Thread(this::run, "service-sampler");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    void phase(String name) {
        phase = name;
    }

    synchronized List<Sample> samples() {
        return List.copyOf(samples);
    }

    /** Samples taken while one of the phases ran. */
    List<Sample> during(String... phases) {
        List<String> names = List.of(phases);
        return samples().stream().filter(s -> names.contains(s.phase())).toList();
    }

    /** The kernel's own peak resident set of the process (VmHWM), in kB. */
    long peakRssKb() {
        return procStatus("VmHWM:");
    }

    long rssKb() {
        return procStatus("VmRSS:");
    }

    /** The workers' lag now, or -1 when the broker did not answer. */
    long lag() {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(5, TimeUnit.SECONDS);
            long lag = 0;
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                lag += Math.max(0, ends.get(tp).offset() - (c == null ? 0 : c.offset()));
            }
            return lag;
        } catch (Exception e) {
            return -1;
        }
    }

    private void run() {
        long next = System.nanoTime();
        while (running) {
            Sample s = new Sample((System.nanoTime() - startNanos) / 1e9, phase, rssKb(), lag(),
                    count("accepted"), count("refused"), count("produced"), count("answered"));
            synchronized (this) {
                samples.add(s);
            }
            next += TimeUnit.SECONDS.toNanos(1);
            long wait = next - System.nanoTime();
            if (wait > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private long count(String name) {
        LongSupplier c = counters.get(name);
        return c == null ? 0 : c.getAsLong();
    }

    private long procStatus(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the process is gone
        }
        return -1;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(5_000);
        admin.close();
    }
}
