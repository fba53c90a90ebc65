package dev.vscan.ingest.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vscan.ingest.ProblemException;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.MessageJson;
import java.util.Map;

/**
 * An error in OpenAI's shape, {@code {"error": {"message", "type", "param", "code"}}}, with its HTTP status
 * and headers; thrown by the mapping, built from the service's own refusals and failed results.
 */
public final class OpenAiError extends RuntimeException {

    static final String INVALID_REQUEST = "invalid_request_error";
    static final String RATE_LIMIT = "rate_limit_error";
    static final String SERVER_ERROR = "server_error";

    private final int status;
    private final String type;
    private final String param;
    private final String code;
    private final Map<String, String> headers;

    public OpenAiError(int status, String type, String param, String code, String message,
            Map<String, String> headers) {
        super(message);
        this.status = status;
        this.type = type;
        this.param = param;
        this.code = code;
        this.headers = Map.copyOf(headers);
    }

    /** A 400 about one parameter of the request, by its path (messages[0].content[1].image_url.url). */
    static OpenAiError invalid(String param, String code, String message) {
        return new OpenAiError(400, INVALID_REQUEST, param, code, message, Map.of());
    }

    static OpenAiError unknownModel(String model, String served) {
        return new OpenAiError(404, INVALID_REQUEST, "model", "model_not_found", "The model '" + model
                + "' does not exist here; this service serves '" + served + "' (GET /v1/models)", Map.of());
    }

    /** The wire parser's refusal: the same code as an invalid result on the result topic. */
    static OpenAiError of(InvalidRequestException e) {
        return invalid(null, e.wireCode(), e.getMessage());
    }

    /** The ingest's own refusals (401, 413, 429 with Retry-After), their code and headers kept. */
    static OpenAiError of(ProblemException e) {
        int status = e.problem().status();
        String type = status == 429 ? RATE_LIMIT : status >= 500 ? SERVER_ERROR : INVALID_REQUEST;
        return new OpenAiError(status, type, null, e.problem().code(), e.getMessage(), e.headers());
    }

    /** A result that is not ok: refused (400), past its deadline (504), or failed in the worker (500). */
    static OpenAiError of(InferenceResult failed) {
        String code = failed.error() == null ? failed.status().name() : failed.error().code();
        String message = failed.error() == null ? "the request was not answered" : failed.error().message();
        return switch (failed.status()) {
            case invalid -> invalid(null, code, message);
            case expired -> new OpenAiError(504, SERVER_ERROR, null, code, message, Map.of());
            case rejected -> new OpenAiError(503, SERVER_ERROR, null, code, message, Map.of());
            default -> new OpenAiError(500, SERVER_ERROR, null, code, message, Map.of());
        };
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }

    public Map<String, String> headers() {
        return headers;
    }

    /** The body; {@code param} and {@code code} are null rather than absent, as OpenAI writes them. */
    public byte[] body() {
        ObjectNode root = MessageJson.mapper().createObjectNode();
        ObjectNode error = root.putObject("error");
        error.put("message", getMessage());
        error.put("type", type);
        error.put("param", param);
        error.put("code", code);
        return MessageJson.write(root);
    }
}
