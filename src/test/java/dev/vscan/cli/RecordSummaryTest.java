package dev.vscan.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.wire.DeadLetterRecord;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.InferenceResult.Status;
import dev.vscan.wire.InferenceResult.Timings;
import dev.vscan.wire.InferenceResult.TokenCounts;
import dev.vscan.wire.MessageJson;
import dev.vscan.wire.TelemetryEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The lines send and follow print for the service's records, written here as the service writes them (answers
 * come with the space the tokenizer puts before a word).
 */
class RecordSummaryTest {

    private static final InferenceResult OK = new InferenceResult("q1", Status.ok, " blue", null,
            new TokenCounts(640, 64, 576, 4), new Timings(1, 2, 3, 4, 12.34, 5, 0.5), "builtin-shapes-vqa");
    private static final InferenceResult INVALID = InferenceResult.failure("q2", Status.invalid, "image_undecodable",
            "images[0]: image is in an unrecognised format", "builtin-shapes-vqa");

    private static JsonNode wire(Object record) {
        return MessageJson.tree(MessageJson.write(record));
    }

    @Test
    void aResultShowsItsAnswerTokensAndTimeOrItsError() {
        assertEquals("result q1 ok: blue (visual 576, generated 4, 12.3 ms)", RecordSummary.result("q1", wire(OK)));
        assertEquals("result q2 invalid image_undecodable: images[0]: image is in an unrecognised format",
                RecordSummary.result("q2", wire(INVALID)));
    }

    @Test
    void telemetryShowsTheVisualTokensKeptPerStage() {
        TelemetryEvent event = new TelemetryEvent("q1", "builtin-shapes-vqa", "worker-0", "vscan", 3, 1.5, 20.04, 2.26,
                2.5, Map.of("visual_tokens_in", 576, "visual_tokens_after_stage1", 64, "visual_tokens_after_stage2", 32),
                1_700_000_000_000L);
        assertEquals("telemetry q1 vscan: visual 576 -> 64 -> 32, batch 3, first token 20.0 ms, 2.3 ms/token",
                RecordSummary.telemetry("q1", wire(event)));
    }

    @Test
    void aDeadLetterShowsItsCodeReasonAndOrigin() {
        DeadLetterRecord dead = new DeadLetterRecord("q3", "malformed_json", "request is not valid JSON", "{not",
                null, Map.of(), "vscan.requests", 2, 15L, 1_700_000_000_000L);
        assertEquals("dlq q3 malformed_json: request is not valid JSON (vscan.requests partition 2 offset 15)",
                RecordSummary.deadLetter("q3", wire(dead)));
    }

    @Test
    void sendPrintsIdAndAnswerOrTheResultRecordAndSaysWhetherItWasAnswered() {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ResultPrinter human = new ResultPrinter(new PrintStream(text, true, StandardCharsets.UTF_8), false);
        assertTrue(human.print("q1", MessageJson.write(OK)));
        assertFalse(human.print("q2", MessageJson.write(INVALID)));
        assertFalse(human.print("q3", "{oops".getBytes(StandardCharsets.UTF_8)));
        String[] lines = text.toString(StandardCharsets.UTF_8).split(System.lineSeparator());
        assertEquals("q1: blue", lines[0]);
        assertEquals("q2: invalid image_undecodable: images[0]: image is in an unrecognised format", lines[1]);
        assertTrue(lines[2].startsWith("q3: unreadable result ("), lines[2]);

        ByteArrayOutputStream json = new ByteArrayOutputStream();
        new ResultPrinter(new PrintStream(json, true, StandardCharsets.UTF_8), true).print("q1", MessageJson.write(OK));
        String line = json.toString(StandardCharsets.UTF_8);
        assertEquals(wire(OK), MessageJson.tree(line.getBytes(StandardCharsets.UTF_8)));
        assertEquals(1, line.split("\n").length, "one line per result: " + line);
    }
}
