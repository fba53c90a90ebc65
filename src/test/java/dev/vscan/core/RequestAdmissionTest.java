package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vscan.images.ImageFetcher;
import dev.vscan.images.UrlPolicy;
import dev.vscan.model.TestModels;
import dev.vscan.model.image.ImageLimits;
import dev.vscan.wire.InferenceResult.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** What admission makes of request records, on the tiny checkpoint, without a broker. */
class RequestAdmissionTest {

    private final AtomicLong now = new AtomicLong(1_000_000);
    private final RequestAdmission admission = new RequestAdmission(
            new RequestParser(RequestLimits.defaults()),
            new ImageFetcher(new UrlPolicy(false, Duration.ofSeconds(2), 1 << 20, 0)),
            () -> new RequestPreparer(TestModels.tinyCheckpoint(), ImageLimits.defaults(), 8, 64),
            new DeduplicationWindow(Duration.ofMinutes(1), 100), now::get);

    private static byte[] request(String id) throws Exception {
        return new ObjectMapper().writeValueAsBytes(Map.of("id", id, "prompt", "what colour is the circle ?",
                "images", List.of(Map.of("data", Base64.getEncoder().encodeToString(TestModels.png(3, 112, 112))))));
    }

    private static IncomingRequest record(byte[] value, byte[] key, RecordHeader... headers) {
        return new IncomingRequest(value, key, List.of(headers), new RecordPosition("vscan.requests", 0, 7), "receipt",
                System.nanoTime());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aGoodRecordBecomesAJobWithItsRoutingAndReceipt() throws Exception {
        RequestAdmission.Outcome outcome = admission.admit(record(request("ok-1"), utf8("ok-1"),
                new RecordHeader("x-priority", utf8("5")), new RecordHeader("X-Deadline", utf8("2000000"))));
        InferenceJob job = assertInstanceOf(RequestAdmission.Admitted.class, outcome).job();
        assertEquals("ok-1", job.id());
        assertEquals(5, job.priority());
        assertEquals(2_000_000, job.deadlineEpochMs());
        assertEquals("receipt", job.receipt());
        assertTrue(job.visualTokens() > 0 && job.kvTokens() > job.visualTokens(), job.toString());
    }

    @Test
    void theSameIdTwiceIsADuplicateUntilForgotten() throws Exception {
        assertInstanceOf(RequestAdmission.Admitted.class, admission.admit(record(request("twice"), null)));
        assertEquals(new RequestAdmission.Duplicate("twice"), admission.admit(record(request("twice"), null)));
        admission.forget("twice");
        assertInstanceOf(RequestAdmission.Admitted.class, admission.admit(record(request("twice"), null)));
    }

    @Test
    void aPassedDeadlineIsRefusedExpiredBeforeAnyImageWork() throws Exception {
        RequestAdmission.Refused r = assertInstanceOf(RequestAdmission.Refused.class,
                admission.admit(record(request("late"), null, new RecordHeader("x-deadline", utf8("999")))));
        assertEquals(Status.expired, r.status());
        assertEquals("deadline_exceeded", r.code());
    }

    @Test
    void tombstonesBadKeysAndBadHeadersAreRefusedWithTheirOwnCodes() throws Exception {
        assertRefused("empty_record", "tomb", record(null, utf8("tomb")));
        assertRefused("empty_record", "blank", record(new byte[0], utf8("blank")));
        assertRefused("invalid_key", "body-id", record(request("body-id"), new byte[] {(byte) 0xc3, (byte) 0x28}));
        assertRefused("invalid_header", "hdr", record(request("hdr"), null,
                new RecordHeader("x-deadline", new byte[] {(byte) 0xff})));
        assertRefused("invalid_header", "prio", record(request("prio"), null,
                new RecordHeader("x-priority", utf8("urgent"))));
    }

    @Test
    void anImageThatDoesNotDecodeIsRefusedWithTheRequestsId() throws Exception {
        byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("id", "bad-image", "prompt", "hi",
                "images", List.of(Map.of("data", Base64.getEncoder().encodeToString(utf8("not a png"))))));
        assertRefused("image_undecodable", "bad-image", record(body, null));
    }

    private void assertRefused(String code, String id, IncomingRequest in) {
        RequestAdmission.Refused r = assertInstanceOf(RequestAdmission.Refused.class, admission.admit(in));
        assertEquals(code, r.code(), r.reason());
        assertEquals(id, r.id());
        assertEquals(Status.invalid, r.status());
    }
}
