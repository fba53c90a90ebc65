package dev.vscan.wire;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer on the result topic, keyed by request id. Status {@code ok} carries an answer and why it
 * ended ({@code finish_reason}); every other status ({@code invalid}, {@code expired}, {@code rejected},
 * {@code error}) an error.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InferenceResult(String id, Status status, String answer, ErrorInfo error, TokenCounts tokens,
        Timings timings, String model, FinishReason finishReason) {

    public InferenceResult(String id, Status status, String answer, ErrorInfo error, TokenCounts tokens,
            Timings timings, String model) {
        this(id, status, answer, error, tokens, timings, model, null);
    }

    public enum Status {
        ok, invalid, expired, rejected, error
    }

    /** Why an answer ended: the model's end of sequence or a stop string ({@code stop}), or max_new_tokens. */
    public enum FinishReason {
        stop, length
    }

    /** What went wrong: a stable machine-readable code and a message for people. */
    public record ErrorInfo(String code, String message) {}

    /**
     * Tokens of the answer: the prompt the language model saw, its text part, its visual tokens after stage 1
     * ({@code visual}), the answer's; and the visual tokens the vision tower produced ({@code visualIn}) and
     * those the last decoder layer saw ({@code visualAfterStage2}).
     */
    public record TokenCounts(int prompt, int text, int visual, int generated, Integer visualIn,
            Integer visualAfterStage2) {

        public TokenCounts(int prompt, int text, int visual, int generated) {
            this(prompt, text, visual, generated, null, null);
        }
    }

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
