package dev.vscan.messaging;

import dev.vscan.core.Answer;
import dev.vscan.wire.MessageJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** The records an answer becomes: its result, telemetry and dead letter, each keyed by request id. */
final class AnswerRecords {

    private final MessagingConfig.Topics topics;

    AnswerRecords(MessagingConfig.Topics topics) {
        this.topics = topics;
    }

    List<ProducerRecord<byte[], byte[]>> of(Answer answer) {
        List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(3);
        if (answer.deadLetter() != null) {
            out.add(record(topics.dlq(), answer.deadLetter().id(), MessageJson.write(answer.deadLetter())));
        }
        if (answer.result() != null) {
            out.add(record(topics.results(), answer.result().id(), MessageJson.write(answer.result())));
        }
        if (answer.telemetry() != null) {
            out.add(record(topics.telemetry(), answer.telemetry().id(), MessageJson.write(answer.telemetry())));
        }
        return out;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String id, byte[] value) {
        RecordHeaders headers = new RecordHeaders();
        byte[] key = id == null ? null : id.getBytes(StandardCharsets.UTF_8);
        if (key != null) {
            headers.add("x-request-id", key);
        }
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        return new ProducerRecord<>(topic, null, key, value, headers);
    }
}
