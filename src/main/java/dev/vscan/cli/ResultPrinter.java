package dev.vscan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.wire.MessageJson;
import java.io.PrintStream;
import java.io.UncheckedIOException;

/**
 * Prints the results {@code send} waits for, one line each: {@code id: answer} (the answer without the spaces
 * around it that the model may generate), or for a request that was not
 * answered {@code id: status code: message} (e.g. {@code q1: invalid image_undecodable: ...}); with
 * {@code --json} the result record itself, one JSON object a line.
 */
final class ResultPrinter {

    private final PrintStream out;
    private final boolean json;

    ResultPrinter(PrintStream out, boolean json) {
        this.out = out;
        this.json = json;
    }

    /** Prints the result record of request {@code id}; true when it carries an answer. */
    boolean print(String id, byte[] value) {
        JsonNode result;
        try {
            result = MessageJson.tree(value);
        } catch (UncheckedIOException e) {
            out.println(id + ": unreadable result (" + e.getMessage() + ")");
            out.flush();
            return false;
        }
        out.println(json ? compact(result) : line(id, result));
        out.flush();
        return isOk(result);
    }

    static boolean isOk(JsonNode result) {
        return "ok".equals(result.path("status").asText());
    }

    /** The human line of one result. */
    static String line(String id, JsonNode result) {
        if (isOk(result)) {
            return id + ": " + result.path("answer").asText().strip();
        }
        JsonNode error = result.path("error");
        return id + ": " + result.path("status").asText("?") + " " + error.path("code").asText("no_code") + ": "
                + error.path("message").asText("");
    }

    static String compact(JsonNode node) {
        try {
            return MessageJson.mapper().writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree could not be written back", e);
        }
    }
}
