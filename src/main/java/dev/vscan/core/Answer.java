package dev.vscan.core;

import dev.vscan.wire.DeadLetterRecord;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.TelemetryEvent;

/**
 * Everything one consumed request leads to: its result, the telemetry of an answered one, the dead letter
 * of a refused one. A duplicate has none of them and only settles its record.
 *
 * @param receipt what the adapter handed in with the request ({@link IncomingRequest#receipt()}), back
 *                so that it can settle the record it came from
 */
public record Answer(Object receipt, InferenceResult result, TelemetryEvent telemetry, DeadLetterRecord deadLetter) {

    public static Answer of(Object receipt, InferenceResult result) {
        return new Answer(receipt, result, null, null);
    }

    /** A record answered before (a duplicate): nothing to write, only the record to settle. */
    public static Answer settleOnly(Object receipt) {
        return new Answer(receipt, null, null, null);
    }

    public boolean writesNothing() {
        return result == null && telemetry == null && deadLetter == null;
    }
}
