package dev.vscan.ingest;

import dev.vscan.wire.InvalidRequestException;
import java.util.Map;

/**
 * A refusal of the HTTP ingest that is not about the request's content: unknown id, full queue,
 * payload over the broker's record limit. Turned into a problem response by {@link ProblemMappers}.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String code;
    private final String id;
    private final Map<String, String> headers;

    public ProblemException(int status, String title, String code, String detail, String id,
            Map<String, String> headers) {
        super(detail);
        this.status = status;
        this.title = title;
        this.code = code;
        this.id = id;
        this.headers = Map.copyOf(headers);
    }

    /** A request refused for its content once its id was known, so the problem can name it. */
    public static ProblemException invalid(InvalidRequestException e, String id) {
        ProblemException p = new ProblemException(400, "Bad Request", e.wireCode(), e.getMessage(), id, Map.of());
        p.initCause(e);
        return p;
    }

    public static ProblemException notFound(String id, String detail) {
        return new ProblemException(404, "Not Found", "not_found", detail, id, Map.of());
    }

    public static ProblemException backlogFull(String id, long backlog, long retryAfterSeconds) {
        return new ProblemException(429, "Too Many Requests", "backlog_full", "the workers are " + backlog
                + " requests behind; retry after the time in Retry-After", id,
                Map.of("Retry-After", String.valueOf(retryAfterSeconds)));
    }

    public static ProblemException tooLarge(String id, long bytes, long limit) {
        return new ProblemException(413, "Payload Too Large", "payload_too_large", "the request is " + bytes
                + " bytes as a record; the request topic takes at most " + limit + " bytes", id, Map.of());
    }

    public Problem problem() {
        return Problem.of(status, title, code, getMessage(), id);
    }

    public Map<String, String> headers() {
        return headers;
    }
}
