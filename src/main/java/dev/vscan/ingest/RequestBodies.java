package dev.vscan.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import dev.vscan.wire.MessageJson;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * Request bodies in the wire format, built from what arrived over HTTP: the JSON body with its
 * resolved id written in, or a body assembled from the parts of a multipart form.
 */
public final class RequestBodies {

    private RequestBodies() {
    }

    /** The body as sent, with {@code id} set, so every consumer sees the id the client was given. */
    public static byte[] withId(byte[] json, String id) {
        JsonNode tree = MessageJson.tree(json);
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalArgumentException("a validated request is a JSON object, got " + tree.getNodeType());
        }
        object.put("id", id);
        return MessageJson.write(object);
    }

    /**
     * A request body from form parts; fields that were not sent stay absent, so the parser reports
     * them as it would for a JSON body.
     *
     * @param options the {@code options} part as JSON text, or null
     * @throws InvalidRequestException {@code malformed_json} when the options part is not JSON
     */
    public static byte[] fromForm(String id, String prompt, List<byte[]> images, String options) {
        ObjectNode body = MessageJson.mapper().createObjectNode();
        if (id != null && !id.isBlank()) {
            body.put("id", id.trim());
        }
        ArrayNode list = body.putArray("images");
        for (byte[] image : images) {
            list.addObject().put("data", Base64.getEncoder().encodeToString(image));
        }
        if (prompt != null) {
            body.put("prompt", prompt);
        }
        if (options != null && !options.isBlank()) {
            body.set("options", parseOptions(options));
        }
        return MessageJson.write(body);
    }

    private static JsonNode parseOptions(String options) {
        try {
            return MessageJson.tree(options.getBytes(StandardCharsets.UTF_8));
        } catch (UncheckedIOException e) {
            throw new InvalidRequestException(Code.MALFORMED_JSON, "the options part is not valid JSON: "
                    + e.getMessage(), e);
        }
    }
}
