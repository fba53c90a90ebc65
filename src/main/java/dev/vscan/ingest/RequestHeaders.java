package dev.vscan.ingest;

import dev.vscan.messaging.InvalidRequestException;
import dev.vscan.messaging.InvalidRequestException.Code;

/** The HTTP headers that travel with a request onto the request topic. */
final class RequestHeaders {

    /**
     * @param deadlineEpochMs X-Deadline, or null
     * @param priority        X-Priority, or null
     */
    record Routing(Long deadlineEpochMs, Integer priority) {}

    private RequestHeaders() {
    }

    /** @throws InvalidRequestException {@code schema_violation} when a header is not an integer */
    static Routing routing(String deadline, String priority) {
        Long d = parse("X-Deadline", deadline);
        Long p = parse("X-Priority", priority);
        if (d != null && d <= 0) {
            throw new InvalidRequestException(Code.SCHEMA_VIOLATION,
                    "header X-Deadline must be a positive time in epoch milliseconds, got " + d);
        }
        if (p != null && (p < Integer.MIN_VALUE || p > Integer.MAX_VALUE)) {
            throw new InvalidRequestException(Code.SCHEMA_VIOLATION, "header X-Priority must fit an int, got " + p);
        }
        return new Routing(d, p == null ? null : p.intValue());
    }

    private static Long parse(String name, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new InvalidRequestException(Code.SCHEMA_VIOLATION,
                    "header " + name + " must be an integer, got '" + value + "'");
        }
    }
}
