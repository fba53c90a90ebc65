package dev.vscan.wire;

/**
 * A request that can never succeed, with a stable code for clients: it is answered with status
 * {@code invalid} and copied to the dead-letter topic.
 */
public class InvalidRequestException extends RuntimeException {

    /** Codes a producer can match on. */
    public enum Code {
        MALFORMED_JSON, SCHEMA_VIOLATION, TOO_MANY_IMAGES, IMAGE_UNDECODABLE, IMAGE_TOO_LARGE, IMAGE_URL_REFUSED,
        IMAGE_URL_UNREACHABLE, INVALID_OPTIONS, PROMPT_MISMATCH,
        /** A conversation the model cannot take: out of order, images outside user turns, refused by the template. */
        INVALID_MESSAGES,
        /** A record without a value (a tombstone) or with an empty one. */
        EMPTY_RECORD,
        /** A record key that is not UTF-8 text. */
        INVALID_KEY,
        /** A header that is not UTF-8 text, or whose value does not fit its meaning. */
        INVALID_HEADER
    }

    private final Code code;

    public InvalidRequestException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public InvalidRequestException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    /** The code as it appears on the wire, e.g. {@code schema_violation}. */
    public String wireCode() {
        return code.name().toLowerCase(java.util.Locale.ROOT);
    }
}
