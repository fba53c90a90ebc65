package dev.vscan.ingest.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.wire.MessageJson;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** Whole JSON answers of the OpenAI routes: a body, or an error in OpenAI's shape with its status and headers. */
final class Replies {

    static final String JSON = "application/json";

    private Replies() {}

    static void json(HttpServerResponse response, int status, JsonNode body) {
        if (response.ended() || response.closed()) {
            return;
        }
        response.setStatusCode(status).putHeader("Content-Type", JSON).end(Buffer.buffer(MessageJson.write(body)));
    }

    static void error(HttpServerResponse response, OpenAiError error) {
        if (response.ended() || response.closed() || response.headWritten()) {
            return;
        }
        response.setStatusCode(error.status()).putHeader("Content-Type", JSON);
        error.headers().forEach(response::putHeader);
        response.end(Buffer.buffer(error.body()));
    }
}
