package dev.vscan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * One line for a record {@code follow} reads, by topic: a result (id, status, answer or error, visual and
 * generated tokens, total ms), telemetry (tokens kept per stage, batch, time to first token, ms per token) or
 * a dead letter (code, reason, where the record came from).
 */
final class RecordSummary {

    private RecordSummary() {}

    /** {@code result q1 ok: blue (visual 576, generated 4, 12.3 ms)} or {@code result q1 invalid code: message}. */
    static String result(String id, JsonNode r) {
        String head = "result " + id + " " + r.path("status").asText("?");
        if (!ResultPrinter.isOk(r)) {
            JsonNode error = r.path("error");
            return head + " " + error.path("code").asText("no_code") + ": " + error.path("message").asText("");
        }
        JsonNode tokens = r.path("tokens");
        return head + ": " + r.path("answer").asText().strip() + " (visual " + tokens.path("visual").asInt() + ", generated "
                + tokens.path("generated").asInt() + ", " + ms(r.path("timings").path("total_ms")) + ")";
    }

    /** {@code telemetry q1 vscan: visual 576 -> 32 -> 8, batch 2, first token 12.3 ms, 3.1 ms/token}. */
    static String telemetry(String id, JsonNode t) {
        JsonNode e = t.path("efficiency");
        return "telemetry " + id + " " + t.path("reduction").asText("?") + ": visual "
                + e.path("visual_tokens_in").asInt() + " -> " + e.path("visual_tokens_after_stage1").asInt() + " -> "
                + e.path("visual_tokens_after_stage2").asInt() + ", batch " + t.path("batch_size").asInt()
                + ", first token " + ms(t.path("time_to_first_token_ms")) + ", "
                + oneDecimal(t.path("ms_per_output_token")) + " ms/token";
    }

    /** {@code dlq q1 image_undecodable: reason (vscan.requests partition 2 offset 15)}. */
    static String deadLetter(String id, JsonNode d) {
        String from = d.hasNonNull("topic")
                ? " (" + d.path("topic").asText() + " partition " + d.path("partition").asText("?") + " offset "
                        + d.path("offset").asText("?") + ")"
                : "";
        return "dlq " + id + " " + d.path("code").asText("no_code") + ": " + d.path("reason").asText("") + from;
    }

    private static String ms(JsonNode value) {
        return oneDecimal(value) + " ms";
    }

    private static String oneDecimal(JsonNode value) {
        return String.format(Locale.ROOT, "%.1f", value.asDouble());
    }
}
