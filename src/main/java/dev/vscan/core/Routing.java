package dev.vscan.core;

import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What travels next to a request in its record's key and headers: the deadline, the priority and the id a
 * producer may give instead of a body id. HTTP fills it from its own headers, Kafka from the record's;
 * either way a bad value is an {@code invalid_header} (or {@code invalid_key}) refusal.
 *
 * @param deadlineEpochMs {@code x-deadline}, or null for none
 * @param priority        {@code x-priority}, or null for the default
 * @param headerId        {@code x-request-id}, or null
 * @param key             the record key as text, or null
 */
public record Routing(Long deadlineEpochMs, Integer priority, String headerId, String key) {

    public static final String DEADLINE = "x-deadline";
    public static final String PRIORITY = "x-priority";

    /** From text headers (HTTP): names as Kafka spells them, values maybe null. */
    public static Routing of(String deadline, String priority, String headerId) {
        Long d = integer("X-Deadline", deadline);
        Long p = integer("X-Priority", priority);
        if (d != null && d <= 0) {
            throw invalidHeader("header X-Deadline must be a positive time in epoch milliseconds, got " + d);
        }
        if (p != null && (p < Integer.MIN_VALUE || p > Integer.MAX_VALUE)) {
            throw invalidHeader("header X-Priority must fit an int, got " + p);
        }
        return new Routing(d, p == null ? null : p.intValue(), headerId, null);
    }

    /** From a record's key and headers; header names match ignoring case, the last of a repeated one wins. */
    public static Routing of(byte[] key, List<RecordHeader> headers) {
        String keyText = null;
        if (key != null) {
            keyText = utf8(key);
            if (keyText == null) {
                throw new InvalidRequestException(Code.INVALID_KEY, "the record key is not UTF-8 text ("
                        + key.length + " bytes)");
            }
        }
        Map<String, String> text = text(headers);
        Routing r = of(text.get(DEADLINE), text.get(PRIORITY), text.get(RequestParser.REQUEST_ID_HEADER));
        return new Routing(r.deadlineEpochMs, r.priority, r.headerId, keyText);
    }

    /** The headers as text, names lower-cased; a header that is not UTF-8 is refused by name. */
    public static Map<String, String> text(List<RecordHeader> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RecordHeader h : headers) {
            String value = h.value() == null ? null : utf8(h.value());
            if (h.value() != null && value == null) {
                throw invalidHeader("header " + h.name() + " is not UTF-8 text (" + h.value().length + " bytes)");
            }
            out.put(h.name().toLowerCase(java.util.Locale.ROOT), value);
        }
        return out;
    }

    /** The headers as text for a dead letter: what is not UTF-8 shows as base64, marked so. */
    public static Map<String, String> printable(List<RecordHeader> headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (RecordHeader h : headers) {
            String value = h.value() == null ? null : utf8(h.value());
            out.put(h.name(), h.value() != null && value == null
                    ? "base64:" + java.util.Base64.getEncoder().encodeToString(h.value()) : value);
        }
        return out;
    }

    public long deadlineOrZero() {
        return deadlineEpochMs == null ? 0 : deadlineEpochMs;
    }

    public int priorityOrDefault() {
        return priority == null ? 0 : priority;
    }

    /** Strict UTF-8: null when the bytes are not valid UTF-8. */
    public static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static Long integer(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw invalidHeader("header " + name + " must be an integer, got '" + value + "'");
        }
    }

    private static InvalidRequestException invalidHeader(String message) {
        return new InvalidRequestException(Code.INVALID_HEADER, message);
    }
}
