package dev.vscan.ingest;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * How far the workers are behind: the request topic's records not yet committed by the workers' group
 * (its consumer lag), read from the broker at most every {@link #REFRESH}, off the caller's thread. An
 * ingest instance has no queue of its own, so this is what tells it the service is overloaded: past
 * {@code vscan.ingest.max-backlog} it answers 429, with a Retry-After from the rate the lag drains at.
 */
@ApplicationScoped
public class RequestBacklog {

    private static final Logger LOG = Logger.getLogger(RequestBacklog.class);
    static final Duration REFRESH = Duration.ofMillis(500);

    @Inject
    IngestConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @ConfigProperty(name = "mp.messaging.connector.smallrye-kafka.bootstrap.servers")
    String bootstrap;

    @ConfigProperty(name = "mp.messaging.outgoing.requests-out.topic")
    String requestTopic;

    private final AtomicBoolean refreshing = new AtomicBoolean();
    private final ExecutorService reader = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "vscan-backlog");
        t.setDaemon(true);
        return t;
    });
    private volatile Admin admin;
    private volatile long lag;
    private volatile long readAtNanos;
    private volatile long committedTotal = -1;
    private volatile double drainPerSecond;

    /** True while the backlog is past the configured bound; reading may start a refresh in the background. */
    public boolean overloaded() {
        refreshIfStale();
        return lag > config.maxBacklog();
    }

    /** Seconds a client should wait: what the excess takes to drain at the recent rate, 1 to 60. */
    public long retryAfterSeconds() {
        long excess = Math.max(1, lag - config.maxBacklog() / 2);
        double rate = drainPerSecond;
        long seconds = rate <= 0 ? 5 : (long) Math.ceil(excess / rate);
        return Math.max(1, Math.min(60, seconds));
    }

    public long lag() {
        return lag;
    }

    private void refreshIfStale() {
        if (System.nanoTime() - readAtNanos < REFRESH.toNanos() || !refreshing.compareAndSet(false, true)) {
            return;
        }
        reader.execute(() -> {
            try {
                read();
            } catch (Exception e) {
                LOG.debugf("could not read the request backlog: %s", e.toString());
            } finally {
                readAtNanos = System.nanoTime();
                refreshing.set(false);
            }
        });
    }

    private void read() throws Exception {
        Admin a = admin();
        Map<TopicPartition, OffsetAndMetadata> committed = a.listConsumerGroupOffsets(config.workersGroup())
                .partitionsToOffsetAndMetadata().get(5, TimeUnit.SECONDS);
        Set<TopicPartition> partitions = a.describeTopics(Set.of(requestTopic)).allTopicNames().get(5, TimeUnit.SECONDS)
                .get(requestTopic).partitions().stream().map(p -> new TopicPartition(requestTopic, p.partition()))
                .collect(Collectors.toSet());
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = a.listOffsets(
                partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                .all().get(5, TimeUnit.SECONDS);
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> starts = a.listOffsets(
                partitions.stream().collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.earliest())))
                .all().get(5, TimeUnit.SECONDS);
        long behind = 0;
        long done = 0;
        for (TopicPartition tp : partitions) {
            OffsetAndMetadata c = committed.get(tp);
            // a partition the workers never committed counts from its first record still kept
            long at = c == null ? starts.get(tp).offset() : c.offset();
            behind += Math.max(0, ends.get(tp).offset() - at);
            done += at;
        }
        long now = System.nanoTime();
        if (committedTotal >= 0 && readAtNanos > 0) {
            double seconds = (now - readAtNanos) / 1e9;
            double rate = seconds > 0 ? (done - committedTotal) / seconds : 0;
            drainPerSecond = drainPerSecond == 0 ? rate : 0.7 * drainPerSecond + 0.3 * rate;
        }
        committedTotal = done;
        lag = behind;
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> props = new HashMap<>(kafka);
                    props.put("bootstrap.servers", bootstrap);
                    props.put("client.id", "vscan-ingest-backlog");
                    admin = Admin.create(props);
                }
                a = admin;
            }
        }
        return a;
    }

    @PreDestroy
    void close() {
        reader.shutdownNow();
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
