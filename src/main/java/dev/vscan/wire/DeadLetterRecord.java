package dev.vscan.wire;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * A record the service could not process, as it arrived, with the reason. {@code payload} holds the
 * original value as text when it was valid UTF-8, else {@code payloadBase64} holds its bytes.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetterRecord(String id, String code, String reason, String payload, String payloadBase64,
        Map<String, String> headers, String topic, Integer partition, Long offset, long timestamp) {}
