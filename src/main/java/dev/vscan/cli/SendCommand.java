package dev.vscan.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code send --prompt TEXT [--image FILE... | --images-from DIR [--one-request]] [generation and reduction
 * options] [--id ID] [--wait SECONDS] [--json] [Kafka options]}: produces the requests to the request topic and
 * prints each result as it arrives, until every request is answered or the wait runs out.
 *
 * <p>The result topic is read from where it ended before the send, so an older answer under the same id is not
 * taken for this one. Status 0 when every request was answered {@code ok}; 1 when one was not (its status and
 * code are printed) or no result came within the wait (the missing ids are named); 2 for bad input, found
 * before anything is sent. {@code --wait 0} prints the ids sent and does not wait.
 */
final class SendCommand {

    private static final Set<String> VALUED = Arguments.union(SendRequests.OPTIONS, KafkaSettings.OPTIONS,
            Set.of("wait"));
    private static final Set<String> FLAGS = Arguments.union(SendRequests.FLAGS, Set.of("json"));
    /** What the service's own producer allows; a cluster may allow less (message.max.bytes). */
    private static final int MAX_REQUEST_BYTES = 16 * 1024 * 1024;
    private static final int DEFAULT_WAIT_SECONDS = 60;

    private SendCommand() {}

    static int run(String[] args, PrintStream out) {
        Arguments a = new Arguments(args, 1, VALUED, FLAGS);
        if (!a.positional().isEmpty()) {
            throw new UsageException("send takes options only, got '" + a.positional().get(0) + "'");
        }
        KafkaSettings settings = KafkaSettings.from(a);
        int wait = a.integer("wait", DEFAULT_WAIT_SECONDS);
        if (wait < 0) {
            throw new UsageException("--wait must be 0 or more seconds, got " + wait);
        }
        List<SendRequests.Outgoing> requests = SendRequests.from(a);
        if (wait == 0) {
            produce(settings, requests);
            requests.forEach(r -> out.println(r.id()));
            return Main.OK;
        }
        try (TopicReader results = TopicReader.open(settings, List.of(settings.topics().results()), false)) {
            produce(settings, requests);
            return await(results, requests, new ResultPrinter(out, a.flag("json")), Duration.ofSeconds(wait),
                    a.string("id", null) != null);
        } catch (RuntimeException e) {
            throw KafkaErrors.explain(settings, e);
        }
    }

    /** Sends every request, keyed by id, and returns once the broker has acknowledged them all. */
    static void produce(KafkaSettings settings, List<SendRequests.Outgoing> requests) {
        Map<String, Object> config = settings.clientConfig(Map.of("acks", "all", "enable.idempotence", true,
                "max.request.size", MAX_REQUEST_BYTES, "max.block.ms", KafkaSettings.CONNECT_TIMEOUT_MS));
        String topic = settings.topics().requests();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (SendRequests.Outgoing r : requests) {
                sent.add(producer.send(new ProducerRecord<>(topic, r.id(), r.json())));
            }
            for (int i = 0; i < sent.size(); i++) {
                acknowledged(sent.get(i), requests.get(i).id(), topic);
            }
        } catch (RuntimeException e) {
            throw KafkaErrors.explain(settings, e);
        }
    }

    private static void acknowledged(Future<RecordMetadata> send, String id, String topic) {
        try {
            send.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw new IllegalStateException("request " + id + " was not written to " + topic + ": " + e.getCause(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending request " + id, e);
        }
    }

    private static int await(TopicReader results, List<SendRequests.Outgoing> requests, ResultPrinter printer,
            Duration wait, boolean idGiven) {
        Set<String> pending = new LinkedHashSet<>();
        requests.forEach(r -> pending.add(r.id()));
        boolean allOk = true;
        long deadline = System.nanoTime() + wait.toNanos();
        while (!pending.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IllegalStateException(missing(pending, requests.size(), wait, idGiven));
            }
            for (ConsumerRecord<String, byte[]> r : results.poll(Duration.ofNanos(Math.min(left, 500_000_000L)))) {
                if (r.key() != null && pending.remove(r.key())) {
                    allOk &= printer.print(r.key(), r.value());
                }
            }
        }
        return allOk ? Main.OK : Main.FAILED;
    }

    private static String missing(Set<String> pending, int sent, Duration wait, boolean idGiven) {
        List<String> shown = pending.stream().limit(10).toList();
        String more = pending.size() > shown.size() ? " and " + (pending.size() - shown.size()) + " more" : "";
        return "no result within " + wait.toSeconds() + " s for " + pending.size() + " of " + sent + " requests: "
                + String.join(", ", shown) + more + "; --wait SECONDS waits longer"
                // the service answers an id once within its vscan.dedup.window and skips repeats silently
                + (idGiven ? ", and an --id the service saw within vscan.dedup.window (10 min by default) is not answered"
                        + " again" : "");
    }
}
