package dev.vscan.core;

import dev.vscan.wire.StreamChunk;
import java.util.UUID;

/** One attempt at a streamed answer: numbers its chunks and marks them with the attempt's own id. */
final class JobStream {

    private final String requestId;
    private final String attempt = UUID.randomUUID().toString();
    private final StreamSink sink;
    private int seq;
    private boolean ended;

    JobStream(String requestId, StreamSink sink) {
        this.requestId = requestId;
        this.sink = sink;
    }

    void delta(String text) {
        if (!ended && !text.isEmpty()) {
            emit(text, null);
        }
    }

    /** The attempt's last chunk; nothing is emitted after it. */
    void end(String lastDelta, String finishReason) {
        if (!ended) {
            emit(lastDelta, finishReason);
            ended = true;
        }
    }

    private void emit(String delta, String finishReason) {
        sink.emit(new StreamChunk(requestId, attempt, seq++, delta, finishReason, System.currentTimeMillis()));
    }
}
