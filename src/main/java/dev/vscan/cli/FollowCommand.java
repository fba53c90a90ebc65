package dev.vscan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vscan.wire.MessageJson;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;

/**
 * {@code follow [--topics results,telemetry,dlq] [--from-beginning] [--id ID] [--count N] [--idle SECONDS]
 * [--json] [Kafka options]}: prints the service's results, telemetry and dead letters as they are committed, one
 * line per record, until interrupted (Ctrl-C closes the consumer), {@code --count} records were printed or none
 * came for {@code --idle} seconds.
 */
final class FollowCommand {

    /** The topics {@code follow} knows, by the names {@code --topics} takes. */
    enum Feed {
        results, telemetry, dlq;

        String topic(KafkaSettings.Topics topics) {
            return switch (this) {
                case results -> topics.results();
                case telemetry -> topics.telemetry();
                case dlq -> topics.dlq();
            };
        }
    }

    private static final Set<String> VALUED = Arguments.union(KafkaSettings.OPTIONS,
            Set.of("topics", "id", "count", "idle"));
    private static final Set<String> FLAGS = Set.of("from-beginning", "json");
    private static final Duration POLL = Duration.ofMillis(250);

    private FollowCommand() {}

    static int run(String[] args, PrintStream out) {
        Arguments a = new Arguments(args, 1, VALUED, FLAGS);
        if (!a.positional().isEmpty()) {
            throw new UsageException("follow takes options only, got '" + a.positional().get(0) + "'");
        }
        KafkaSettings settings = KafkaSettings.from(a);
        Map<String, Feed> feeds = new LinkedHashMap<>();
        for (Feed feed : feeds(a.string("topics", "results,telemetry,dlq"))) {
            feeds.put(feed.topic(settings.topics()), feed);
        }
        int count = nonNegative(a, "count");
        int idle = nonNegative(a, "idle");
        String id = a.string("id", null);
        boolean json = a.flag("json");
        try {
            TopicReader reader = TopicReader.open(settings, List.copyOf(feeds.keySet()), a.flag("from-beginning"));
            return follow(reader, feeds, id, count, Duration.ofSeconds(idle), json, out);
        } catch (RuntimeException e) {
            throw KafkaErrors.explain(settings, e);
        }
    }

    /**
     * Reads until done and closes the reader; a shutdown (Ctrl-C) wakes the poll up and waits until the consumer
     * is closed.
     */
    private static int follow(TopicReader reader, Map<String, Feed> feeds, String id, int count, Duration idle,
            boolean json, PrintStream out) {
        CountDownLatch finished = new CountDownLatch(1);
        Thread onShutdown = new Thread(() -> {
            reader.wakeup();
            awaitQuietly(finished);
        }, "follow-shutdown");
        Runtime.getRuntime().addShutdownHook(onShutdown);
        try {
            int printed = 0;
            long last = System.nanoTime();
            while (idle.isZero() || System.nanoTime() - last < idle.toNanos()) {
                for (ConsumerRecord<String, byte[]> r : reader.poll(POLL)) {
                    JsonNode value = parse(r.value());
                    String recordId = r.key() != null ? r.key() : value == null ? null : value.path("id").asText(null);
                    if (id != null && !id.equals(recordId)) {
                        continue;
                    }
                    out.println(json ? json(r, value) : line(feeds.get(r.topic()), recordId, r, value));
                    out.flush();
                    last = System.nanoTime();
                    if (++printed == count) {
                        return Main.OK;
                    }
                }
            }
            return Main.OK;
        } catch (WakeupException shutdown) {
            return Main.OK;
        } finally {
            reader.close();
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onShutdown);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waited for this
            }
        }
    }

    static List<Feed> feeds(String names) {
        List<Feed> feeds = new ArrayList<>();
        for (String name : names.split(",")) {
            try {
                Feed feed = Feed.valueOf(name.strip());
                if (!feeds.contains(feed)) {
                    feeds.add(feed);
                }
            } catch (IllegalArgumentException e) {
                throw new UsageException("--topics: unknown '" + name.strip() + "'; choose among "
                        + Arrays.toString(Feed.values()).replaceAll("[\\[\\] ]", ""));
            }
        }
        return feeds;
    }

    private static String line(Feed feed, String id, ConsumerRecord<String, byte[]> r, JsonNode value) {
        String shownId = id == null ? "(no id)" : id;
        if (value == null) {
            return feed + " " + shownId + ": not JSON (" + (r.value() == null ? "no value" : r.value().length
                    + " bytes") + " at " + r.topic() + " partition " + r.partition() + " offset " + r.offset() + ")";
        }
        return switch (feed) {
            case results -> RecordSummary.result(shownId, value);
            case telemetry -> RecordSummary.telemetry(shownId, value);
            case dlq -> RecordSummary.deadLetter(shownId, value);
        };
    }

    /** The record with where it was read: the value as JSON, or as text when it is not JSON. */
    private static String json(ConsumerRecord<String, byte[]> r, JsonNode value) {
        ObjectNode line = MessageJson.mapper().createObjectNode();
        line.put("topic", r.topic()).put("partition", r.partition()).put("offset", r.offset()).put("key", r.key());
        if (value != null) {
            line.set("value", value);
        } else {
            line.put("value", r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8));
        }
        return ResultPrinter.compact(line);
    }

    private static JsonNode parse(byte[] value) {
        try {
            return value == null ? null : MessageJson.tree(value);
        } catch (UncheckedIOException notJson) {
            return null;
        }
    }

    private static int nonNegative(Arguments a, String name) {
        int value = a.integer(name, 0);
        if (value < 0) {
            throw new UsageException("--" + name + " must be 0 (no limit) or more, got " + value);
        }
        return value;
    }

    private static void awaitQuietly(CountDownLatch finished) {
        try {
            finished.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
