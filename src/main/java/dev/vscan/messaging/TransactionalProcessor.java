package dev.vscan.messaging;

import dev.vscan.core.Answer;
import dev.vscan.core.IncomingRequest;
import dev.vscan.core.RecordHeader;
import dev.vscan.core.RecordPosition;
import dev.vscan.core.RequestIntake;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;

/**
 * Consume → infer → produce, exactly once. One thread owns the request consumer and a transactional
 * producer: it hands each record to the core and, as answers come back, commits them in one Kafka
 * transaction together with the consumed offsets (and, in the offsets' metadata, the records answered
 * ahead of an older one still running). A crash at any point leaves either the whole transaction or none
 * of it: a restarted worker resumes where the last commit left and skips what it lists as answered.
 *
 * <p>A transaction that fails (broker gone, timeout) is retried with a new producer, whose
 * initialization aborts whatever the old one left open; answers are kept until they commit. Records the
 * core could not take at shutdown are left unanswered, for the next consumer.
 */
final class TransactionalProcessor implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(TransactionalProcessor.class);

    /** More runs than this in a partition's metadata pauses it, keeping the text under the broker's 4 KiB. */
    private static final int MAX_RUNS = 200;

    /**
     * @param instanceId    stable across restarts of this worker: its transactional id and static group member
     * @param capacity      records handed to the core and not yet taken by a worker, at most
     * @param revokeWait    how long a revoked partition's running requests may take to be answered and
     *                      committed before the partition goes (after that, the next owner answers them)
     */
    record Settings(String requestTopic, String groupId, String instanceId, Duration transactionTimeout,
            int capacity, Duration revokeWait) {}

    /** What a record's answer brings back: its partition, offset, and which ownership of the partition. */
    record Receipt(TopicPartition partition, long offset, long generation) {}

    private final Settings settings;
    private final Map<String, Object> clientConfig;
    private final RequestIntake intake;
    private final AnswerQueue answers;
    private final AnswerRecords records;
    private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
    private final Map<TopicPartition, Long> generations = new HashMap<>();
    private final List<AnswerQueue.Pending> carried = new ArrayList<>();
    private final AtomicInteger queued = new AtomicInteger();
    /** Polled records the core has no room for yet, in order; never more than one poll's worth. */
    private final ArrayDeque<ConsumerRecord<byte[], byte[]>> held = new ArrayDeque<>();
    private final Thread thread;
    private KafkaConsumer<byte[], byte[]> consumer;
    private KafkaProducer<byte[], byte[]> producer;
    private long generation;
    private volatile boolean consuming = true;
    private volatile boolean running = true;
    private volatile boolean assigned;
    private volatile long transactions;

    TransactionalProcessor(Settings settings, Map<String, Object> clientConfig, RequestIntake intake,
            AnswerQueue answers, MessagingConfig.Topics topics) {
        this.settings = settings;
        this.clientConfig = Map.copyOf(clientConfig);
        this.intake = intake;
        this.answers = answers;
        this.records = new AnswerRecords(topics);
        this.thread = new Thread(this::run, "vscan-requests");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** True once the consumer holds partitions (or the group has none to give). */
    boolean isAssigned() {
        return assigned;
    }

    long transactionsCommitted() {
        return transactions;
    }

    /** Stops handing records to the core; answers still commit. */
    void stopConsuming() {
        consuming = false;
    }

    private void run() {
        try {
            producer = connectedProducer();
            consumer = newConsumer();
            consumer.subscribe(List.of(settings.requestTopic()), new Rebalance());
            while (running) {
                applyBackpressure();
                // while anything runs, poll briefly so that answers commit within milliseconds
                boolean busy = inFlight() > 0 || !held.isEmpty() || !answers.isEmpty() || !carried.isEmpty();
                ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(busy ? 2 : 50));
                polled.forEach(held::add);
                handWhatFits();
                commitAnswers();
            }
            commitAnswers();
        } catch (ProducerFencedException e) {
            LOG.error("another worker took over transactional id " + transactionalId()
                    + "; this one stops consuming", e);
        } catch (RuntimeException e) {
            LOG.error("the request processor failed", e);
        } finally {
            closeClients();
        }
    }

    /**
     * Hands held records to the core while it has room: the core's queue takes at most {@code capacity}
     * records beyond what the workers took, and a record it could not queue would go unanswered.
     */
    private void handWhatFits() {
        while (!held.isEmpty() && queued.get() < settings.capacity()) {
            hand(held.poll());
        }
    }

    private void hand(ConsumerRecord<byte[], byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        PartitionProgress p = progress.get(tp);
        if (p == null || !consuming) {
            return; // revoked while the poll was under way, or shutting down: the next owner reads it
        }
        if (p.answeredBefore(r.offset())) {
            p.skipped(r.offset());
            return;
        }
        p.received(r.offset());
        queued.incrementAndGet();
        List<RecordHeader> headers = new ArrayList<>();
        for (Header h : r.headers()) {
            headers.add(new RecordHeader(h.key(), h.value()));
        }
        intake.accept(new IncomingRequest(r.value(), r.key(), headers,
                new RecordPosition(r.topic(), r.partition(), r.offset()),
                new Receipt(tp, r.offset(), generations.get(tp)), System.nanoTime()), queued::decrementAndGet);
    }

    /** Pauses everything while the core's queue is full or at shutdown, and a partition whose metadata is long. */
    private void applyBackpressure() {
        Set<TopicPartition> owned = consumer.assignment();
        if (owned.isEmpty()) {
            return;
        }
        boolean full = !consuming || !held.isEmpty() || queued.get() >= settings.capacity();
        Set<TopicPartition> pause = new HashSet<>();
        for (TopicPartition tp : owned) {
            PartitionProgress p = progress.get(tp);
            if (full || p != null && p.runs() > MAX_RUNS) {
                pause.add(tp);
            }
        }
        Set<TopicPartition> resume = new HashSet<>(consumer.paused());
        resume.removeAll(pause);
        if (!pause.isEmpty()) {
            consumer.pause(pause);
        }
        if (!resume.isEmpty()) {
            consumer.resume(resume);
        }
    }

    /** Commits every waiting answer with the offsets it settles, in one transaction; keeps them on failure. */
    private void commitAnswers() {
        List<AnswerQueue.Pending> batch = new ArrayList<>(carried);
        carried.clear();
        batch.addAll(answers.drain());
        batch.removeIf(this::stale);
        if (batch.isEmpty()) {
            return;
        }
        Map<TopicPartition, PartitionProgress> before = snapshot();
        Map<TopicPartition, OffsetAndMetadata> sent = Map.of();
        try {
            producer.beginTransaction();
            for (AnswerQueue.Pending pending : batch) {
                for (ProducerRecord<byte[], byte[]> record : records.of(pending.answer())) {
                    producer.send(record);
                }
            }
            markAnswered(batch);
            sent = offsets();
            producer.sendOffsetsToTransaction(sent, consumer.groupMetadata());
            producer.commitTransaction();
            committed(batch);
        } catch (KafkaException e) {
            // A failed commit may still have committed: a broker that went away after writing the commit, a
            // retried end of transaction answered as fenced. The new producer's initialization settles the old
            // transaction either way; the offsets it wrote tell which way.
            LOG.warnf("a transaction of %d answer(s) failed (%s); retrying with a new producer", batch.size(),
                    e.toString());
            restore(before);
            replaceProducer();
            if (!sent.isEmpty() && committedNow(sent)) {
                LOG.infof("the failed transaction of %d answer(s) had committed", batch.size());
                markAnswered(batch);
                committed(batch);
            } else {
                carried.addAll(batch);
            }
        }
    }

    private void markAnswered(List<AnswerQueue.Pending> batch) {
        for (AnswerQueue.Pending pending : batch) {
            Receipt receipt = (Receipt) pending.answer().receipt();
            progress.get(receipt.partition()).answered(receipt.offset());
        }
    }

    private void committed(List<AnswerQueue.Pending> batch) {
        transactions++;
        batch.forEach(p -> p.committed().complete(null));
    }

    /** Whether the group's committed offsets are those a transaction sent (asked until the broker answers). */
    private boolean committedNow(Map<TopicPartition, OffsetAndMetadata> sent) {
        while (running) {
            try {
                Map<TopicPartition, OffsetAndMetadata> now = consumer.committed(sent.keySet(), Duration.ofSeconds(10));
                return sent.equals(now);
            } catch (KafkaException e) {
                LOG.warnf("cannot read the committed offsets yet (%s); retrying", e.toString());
            }
        }
        return false;
    }

    /** An answer to a record of a partition this worker no longer owns (or owned before): its next owner answers. */
    private boolean stale(AnswerQueue.Pending pending) {
        Answer answer = pending.answer();
        if (!(answer.receipt() instanceof Receipt receipt)) {
            pending.committed().completeExceptionally(new IllegalStateException("an answer without a receipt"));
            return true;
        }
        Long current = generations.get(receipt.partition());
        if (current == null || current != receipt.generation()) {
            LOG.debugf("dropped the answer to %s at %d: the partition moved", receipt.partition(), receipt.offset());
            if (answer.result() != null) {
                intake.answerDropped(answer.result().id());
            }
            pending.committed().completeExceptionally(new IllegalStateException("partition " + receipt.partition()
                    + " was reassigned before the answer committed"));
            return true;
        }
        return false;
    }

    private Map<TopicPartition, OffsetAndMetadata> offsets() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        progress.forEach((tp, p) -> out.put(tp, new OffsetAndMetadata(p.commitOffset(), p.metadata())));
        return out;
    }

    private Map<TopicPartition, PartitionProgress> snapshot() {
        Map<TopicPartition, PartitionProgress> copy = new HashMap<>();
        progress.forEach((tp, p) -> copy.put(tp, p.copy()));
        return copy;
    }

    private void restore(Map<TopicPartition, PartitionProgress> before) {
        before.forEach((tp, p) -> {
            if (progress.containsKey(tp)) {
                progress.put(tp, p);
            }
        });
    }

    private int inFlight() {
        int n = 0;
        for (PartitionProgress p : progress.values()) {
            n += p.inFlight();
        }
        return n;
    }

    /** A new producer with the same transactional id: its initialization fences the old one and aborts its transaction. */
    private void replaceProducer() {
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException ignored) {
            // it is being replaced
        }
        producer = connectedProducer();
    }

    /** Waits for the broker as long as the processor runs: a worker may start before its cluster. */
    private KafkaProducer<byte[], byte[]> connectedProducer() {
        while (true) {
            try {
                return newProducer();
            } catch (KafkaException e) {
                if (!running) {
                    throw e;
                }
                LOG.warnf("cannot start a transactional producer yet (%s); retrying", e.toString());
                sleep(500);
            }
        }
    }

    private KafkaProducer<byte[], byte[]> newProducer() {
        return ProcessorClients.producer(clientConfig, settings, transactionalId());
    }

    private KafkaConsumer<byte[], byte[]> newConsumer() {
        return ProcessorClients.consumer(clientConfig, settings);
    }

    String transactionalId() {
        return "vscan-worker-" + settings.instanceId();
    }

    /** Partitions come and go on this thread, inside poll. */
    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                assigned = true;
                return;
            }
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                long offset = c != null ? c.offset() : consumer.position(tp);
                progress.put(tp, PartitionProgress.resumedAt(offset, c == null ? null : c.metadata()));
                generations.put(tp, ++generation);
            }
            assigned = true;
            LOG.infof("consuming %s", partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            long deadline = System.nanoTime() + settings.revokeWait().toNanos();
            while (inFlight(partitions) > 0 && System.nanoTime() < deadline && running) {
                commitAnswers();
                sleep(5);
            }
            commitAnswers();
            int left = inFlight(partitions);
            if (left > 0) {
                LOG.warnf("%d request(s) of %s still running when the partitions left; their next owner answers them",
                        left, partitions);
            }
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            forget(partitions);
        }

        private int inFlight(Collection<TopicPartition> partitions) {
            int n = 0;
            for (TopicPartition tp : partitions) {
                PartitionProgress p = progress.get(tp);
                n += p == null ? 0 : p.inFlight();
            }
            return n;
        }

        private void forget(Collection<TopicPartition> partitions) {
            held.removeIf(r -> partitions.contains(new TopicPartition(r.topic(), r.partition())));
            partitions.forEach(tp -> {
                progress.remove(tp);
                generations.remove(tp);
            });
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void closeClients() {
        if (consumer != null) {
            try {
                consumer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the request consumer", e);
            }
        }
        if (producer != null) {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (RuntimeException e) {
                LOG.debug("closing the answer producer", e);
            }
        }
    }

    /** Commits what is answered and stops; records not answered by now are read again by the next consumer. */
    @Override
    public void close() {
        running = false;
        try {
            thread.join(15_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
