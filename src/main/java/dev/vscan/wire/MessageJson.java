package dev.vscan.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The JSON form of the message records: snake_case property names, nulls left out, enums as declared.
 * Unknown properties are ignored when binding because the schemas are what refuse them; duplicate keys
 * and trailing content are refused, so that what the schema checked is what gets bound.
 */
public final class MessageJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private MessageJson() {
    }

    /** The shared, thread-safe mapper; do not reconfigure it. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** UTF-8 JSON of a message record. */
    public static byte[] write(Object message) {
        try {
            return MAPPER.writeValueAsBytes(message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + message.getClass().getSimpleName() + " as JSON: "
                    + describe(e), e);
        }
    }

    /**
     * Binds JSON bytes to a record.
     *
     * @throws UncheckedIOException if the bytes are not JSON or do not fit the type; the message says where
     */
    public static <T> T read(byte[] json, Class<T> type) {
        try {
            return MAPPER.readValue(json, type);
        } catch (IOException e) {
            throw new UncheckedIOException("not a valid " + type.getSimpleName() + ": " + describe(e), e);
        }
    }

    /**
     * Parses JSON bytes to a tree.
     *
     * @throws UncheckedIOException if the bytes are empty or not one JSON value
     */
    public static JsonNode tree(byte[] json) {
        if (json == null || json.length == 0) {
            throw new UncheckedIOException(new IOException("no content (0 bytes)"));
        }
        try {
            return MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(describe(e), e);
        }
    }

    /** Jackson's message without the echo of the source, which may be megabytes of base64. */
    static String describe(IOException e) {
        if (e instanceof JsonProcessingException jpe) {
            JsonLocation at = jpe.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            return jpe.getOriginalMessage() + where;
        }
        return String.valueOf(e.getMessage());
    }
}
