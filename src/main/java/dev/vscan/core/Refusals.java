package dev.vscan.core;

import dev.vscan.wire.DeadLetterRecord;
import dev.vscan.wire.InferenceResult;
import java.util.Base64;

/** The answer to a refused record: its dead letter, with the record as it came, and the producer's result. */
final class Refusals {

    private Refusals() {}

    static Answer answer(IncomingRequest in, RequestAdmission.Refused refused, String modelId, long nowMillis) {
        byte[] payload = in.value() == null ? new byte[0] : in.value();
        String text = Routing.utf8(payload);
        RecordPosition at = in.position();
        DeadLetterRecord dead = new DeadLetterRecord(refused.id(), refused.code(), refused.reason(), text,
                text == null ? Base64.getEncoder().encodeToString(payload) : null, Routing.printable(in.headers()),
                at == null ? null : at.topic(), at == null ? null : at.partition(), at == null ? null : at.offset(),
                nowMillis);
        InferenceResult result = InferenceResult.failure(refused.id(), refused.status(), refused.code(),
                refused.reason(), modelId);
        return new Answer(in.receipt(), result, null, dead);
    }
}
