package dev.vscan.ingest;

import dev.vscan.wire.InvalidRequestException;
import java.util.Map;

/**
 * A refusal of the HTTP ingest that is not about the request's content: unknown id, full queue,
 * payload over the broker's record limit, a missing or wrong API key. Turned into a problem response
 * by {@link ProblemMappers}.
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

    /** No API key came with a request to an API that wants one (RFC 6750's answer to a missing token). */
    public static ProblemException missingApiKey() {
        return new ProblemException(401, "Unauthorized", "missing_api_key",
                "this API wants an API key: send it as Authorization: Bearer KEY or as X-API-Key: KEY", null,
                Map.of("WWW-Authenticate", "Bearer realm=\"vscan\""));
    }

    /** The key that came is none of the service's: also 401, so a client knows to fetch a new one. */
    public static ProblemException invalidApiKey() {
        return new ProblemException(401, "Unauthorized", "invalid_api_key",
                "the API key is not one of this service's keys; it may have been rotated", null,
                Map.of("WWW-Authenticate", "Bearer realm=\"vscan\", error=\"invalid_token\""));
    }

    public Problem problem() {
        return Problem.of(status, title, code, getMessage(), id);
    }

    public Map<String, String> headers() {
        return headers;
    }
}
