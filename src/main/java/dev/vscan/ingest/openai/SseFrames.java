package dev.vscan.ingest.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.wire.MessageJson;
import io.vertx.core.buffer.Buffer;

/** Server-sent events as OpenAI streams them: one {@code data:} line of JSON per event, {@code [DONE]} last. */
final class SseFrames {

    static final String CONTENT_TYPE = "text/event-stream; charset=utf-8";

    private SseFrames() {}

    /** JSON on one line (the mapper writes no newlines), then the blank line that ends the event. */
    static Buffer data(JsonNode json) {
        return Buffer.buffer("data: ").appendBytes(MessageJson.write(json)).appendString("\n\n");
    }

    /** An error after the stream has begun, when the status can no longer say it. */
    static Buffer error(OpenAiError error) {
        return Buffer.buffer("data: ").appendBytes(error.body()).appendString("\n\n");
    }

    static Buffer done() {
        return Buffer.buffer("data: [DONE]\n\n");
    }

    /** A comment line: keeps proxies from closing an idle stream; clients ignore it. */
    static Buffer keepAlive() {
        return Buffer.buffer(": keep-alive\n\n");
    }
}
