package dev.vscan.core;

import dev.vscan.images.ImageFetcher;
import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InferenceResult.Status;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.InvalidRequestException.Code;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Decides what becomes of one request record, in the order a cheap refusal comes first: the value is
 * there, key and headers read, the body parses, the id was not answered before, the deadline has not
 * passed, the images resolve and the request fits the model. Never throws: every record ends as a job,
 * a duplicate or a refusal with the code a producer can act on.
 */
public final class RequestAdmission {

    /** What became of a record. */
    public sealed interface Outcome permits Admitted, Duplicate, Refused {}

    public record Admitted(InferenceJob job) implements Outcome {}

    public record Duplicate(String id) implements Outcome {}

    /** @param id the request's id, or the best guess at it (never null) */
    public record Refused(String id, Status status, String code, String reason) implements Outcome {}

    private final RequestParser parser;
    private final ImageFetcher images;
    private final Supplier<RequestPreparer> preparerFactory;
    private final DeduplicationWindow dedup;
    private final LongSupplier clockMillis;
    private volatile RequestPreparer preparer;

    /** @param preparer made the first time a record gets that far (it reads the checkpoint) */
    public RequestAdmission(RequestParser parser, ImageFetcher images, Supplier<RequestPreparer> preparer,
            DeduplicationWindow dedup, LongSupplier clockMillis) {
        this.parser = parser;
        this.images = images;
        this.preparerFactory = preparer;
        this.dedup = dedup;
        this.clockMillis = clockMillis;
    }

    private RequestPreparer preparer() {
        RequestPreparer p = preparer;
        if (p == null) {
            synchronized (this) {
                if (preparer == null) {
                    preparer = preparerFactory.get();
                }
                p = preparer;
            }
        }
        return p;
    }

    public Outcome admit(IncomingRequest in) {
        String id = null;
        try {
            if (in.value() == null || in.value().length == 0) {
                throw new InvalidRequestException(Code.EMPTY_RECORD, in.value() == null
                        ? "the record has no value (a tombstone); a request is a JSON object"
                        : "the record value is empty; a request is a JSON object");
            }
            Routing routing = Routing.of(in.key(), in.headers());
            RequestParser.ParsedRequest parsed = parser.parse(in.value(), routing.key(),
                    routing.headerId() == null ? null : java.util.Map.of(RequestParser.REQUEST_ID_HEADER,
                            routing.headerId()));
            id = parsed.id();
            if (!dedup.firstSeen(id, in.receivedNanos())) {
                return new Duplicate(id);
            }
            long deadline = routing.deadlineOrZero();
            if (deadline > 0 && clockMillis.getAsLong() > deadline) {
                return new Refused(id, Status.expired, "deadline_exceeded",
                        "the deadline " + deadline + " had passed when the request was consumed");
            }
            RequestPreparer.Prepared prepared = preparer().prepare(parsed.request(), fetch(parsed.request()));
            return new Admitted(new InferenceJob(id, prepared.request(), prepared.reduction(), deadline,
                    routing.priorityOrDefault(), in.receivedNanos(), prepared.visualTokens(), prepared.kvTokens(),
                    in.receipt(), () -> {}, AnswerOptions.of(parsed.request().options())));
        } catch (InvalidRequestException e) {
            return new Refused(id != null ? id : replyId(in), Status.invalid, e.wireCode(), e.getMessage());
        } catch (RuntimeException e) {
            return new Refused(id != null ? id : replyId(in), Status.error, "internal_error",
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** Lets a record with this id be admitted again (its earlier answer was not stored). */
    public void forget(String id) {
        dedup.forget(id);
    }

    private List<byte[]> fetch(InferenceRequest request) {
        List<byte[]> bytes = new ArrayList<>();
        for (InferenceRequest.ImageInput image : request.images()) {
            bytes.add(images.fetch(image));
        }
        return bytes;
    }

    /** The id to answer a refused record under, whatever is wrong with its key or headers. */
    private static String replyId(IncomingRequest in) {
        String key = in.key() == null ? null : Routing.utf8(in.key());
        String header = null;
        for (RecordHeader h : in.headers()) {
            if (h.name().equalsIgnoreCase(RequestParser.REQUEST_ID_HEADER) && h.value() != null) {
                header = Routing.utf8(h.value());
            }
        }
        return RequestParser.idForReply(in.value(), key,
                header == null ? java.util.Map.of() : java.util.Map.of(RequestParser.REQUEST_ID_HEADER, header));
    }
}
