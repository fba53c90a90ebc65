package dev.vscan.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A piece of an answer on the stream topic, keyed by request id, written while the answer is generated.
 * The deltas of one attempt, in {@code seq} order, concatenate to the answer's text; the last record of an
 * attempt has a {@code finishReason}. A worker that runs a request again (after a crash, or alone after its
 * group failed) starts a new {@code attempt} from seq 0: a reader drops what it holds of the old one. The
 * result topic stays the record of truth; this is progress.
 *
 * @param finishReason null until the last record: {@code stop}, {@code length}, or {@code expired} and
 *                     {@code error} for an answer that did not complete (the result says why)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record StreamChunk(String id, String attempt, int seq, String delta, String finishReason, long timestamp) {

    public static final String EXPIRED = "expired";
    public static final String ERROR = "error";

    public boolean last() {
        return finishReason != null;
    }
}
