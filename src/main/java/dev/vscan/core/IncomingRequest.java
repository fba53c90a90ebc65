package dev.vscan.core;

import java.util.List;

/**
 * A request record as it arrived, nothing checked yet.
 *
 * @param value         the record value; null for a tombstone
 * @param key           the record key's bytes, or null
 * @param headers       the record headers in order
 * @param position      where the record sat, or null when it did not come from a topic
 * @param receipt       the adapter's handle on the record, returned with its {@link Answer}
 * @param receivedNanos {@link System#nanoTime()} when it was consumed
 */
public record IncomingRequest(byte[] value, byte[] key, List<RecordHeader> headers, RecordPosition position,
        Object receipt, long receivedNanos) {

    public IncomingRequest {
        headers = headers == null ? List.of() : List.copyOf(headers);
    }
}
