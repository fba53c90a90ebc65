package dev.vscan.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer on the result topic, keyed by request id. Status {@code ok} carries an answer; every
 * other status ({@code invalid}, {@code expired}, {@code rejected}, {@code error}) an error.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceResult(String id, Status status, String answer, ErrorInfo error, TokenCounts tokens,
        Timings timings, String model) {

    public enum Status {
        ok, invalid, expired, rejected, error
    }

    /** What went wrong: a stable machine-readable code and a message for people. */
    public record ErrorInfo(String code, String message) {}

    public record TokenCounts(int prompt, int text, int visual, int generated) {}

    /**
     * Milliseconds: waiting in the queue; the vision, prefill and decode phases (the first two shared
     * with the requests admitted together, decode its own from first token to last); from consumption to
     * the first generated token; and per generated token after the first.
     */
    public record Timings(double queueMs, double visionMs, double prefillMs, double decodeMs, double totalMs,
            double firstTokenMs, double perTokenMs) {}

    public static InferenceResult failure(String id, Status status, String code, String message, String model) {
        return new InferenceResult(id, status, null, new ErrorInfo(code, message), null, null, model);
    }
}
