package dev.vscan.ingest;

import dev.vscan.wire.InferenceRequest;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.MessageJson;
import dev.vscan.core.RequestParser;
import dev.vscan.core.Routing;
import dev.vscan.images.ImageFetcher;
import dev.vscan.model.image.ImageDecoder;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.multipart.FileUpload;

/**
 * The HTTP face of the service. A POST validates the request, writes it to the request topic like any
 * other producer would, and answers 202 once the broker stored it; the answer comes from whichever
 * worker takes it, through the result topic, and a GET reads it (optionally waiting for it).
 */
@Path("/v1/requests")
@Tag(name = "requests", description = "Submit vision-language requests and read their results")
public class RequestResource {

    /** Broker record overhead (key, headers, batch framing) kept free below max.request.size. */
    private static final int RECORD_OVERHEAD_BYTES = 4096;
    private static final int MAX_WAIT_SECONDS = 60;

    @Inject
    RequestProducer producer;

    @Inject
    ResultStore results;

    @Inject
    RequestBacklog backlog;

    @Inject
    RequestParser parser;

    @Inject
    ImageFetcher images;

    @Inject
    ImageDecoder decoder;

    @ConfigProperty(name = "mp.messaging.outgoing.requests-out.max.request.size", defaultValue = "1048576")
    long maxRecordBytes;

    private RequestValidator validator;

    @PostConstruct
    void init() {
        validator = new RequestValidator(parser, images, decoder);
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a request as JSON",
            description = "The body is an InferenceRequest in the wire format. Inline images are checked to decode; "
                    + "URL images are fetched later by the worker. The request is queued on the request topic.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = InferenceRequest.class)))
    @APIResponse(responseCode = "202", description = "Stored on the request topic",
            headers = @Header(name = "Location", description = "Where the result will be"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "400", description = "The request can never succeed; code says why",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Larger than the request topic accepts",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "The workers are too far behind (vscan.ingest.max-backlog); retry after Retry-After seconds",
            headers = @Header(name = "Retry-After"),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> submitJson(byte[] body,
            @Parameter(description = "Request id when the body has none") @RestHeader("X-Request-Id") String requestId,
            @Parameter(description = "Epoch milliseconds after which the request is answered expired")
            @RestHeader("X-Deadline") String deadline,
            @Parameter(description = "Higher is served first; passed on as x-priority") @RestHeader("X-Priority") String priority) {
        return submit(deadline, priority, requestId, () -> {
            checkRecordSize(body);
            RequestParser.ParsedRequest parsed = validator.validate(body, requestId);
            return new Submission(parsed.id(), RequestBodies.withId(body, parsed.id()));
        });
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Submit a request as a form with image files",
            description = "Parts: prompt (text, required), image (one file part per image, in prompt order), "
                    + "options (JSON of the request options, optional), id (optional).")
    @APIResponse(responseCode = "202", description = "Stored on the request topic",
            headers = @Header(name = "Location", description = "Where the result will be"),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Accepted.class)))
    @APIResponse(responseCode = "400", description = "The request can never succeed; code says why",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Larger than the request topic accepts",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "The workers are too far behind (vscan.ingest.max-backlog); retry after Retry-After seconds",
            headers = @Header(name = "Retry-After"),
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> submitForm(@RestForm String prompt, @RestForm("image") List<FileUpload> images,
            @RestForm String options, @RestForm String id,
            @RestHeader("X-Request-Id") String requestId, @RestHeader("X-Deadline") String deadline,
            @RestHeader("X-Priority") String priority) {
        return submit(deadline, priority, requestId, () -> {
            byte[] body = RequestBodies.fromForm(id, prompt, readAll(images), options);
            checkRecordSize(body);
            RequestParser.ParsedRequest parsed = validator.validate(body, requestId);
            return new Submission(parsed.id(), RequestBodies.withId(body, parsed.id()));
        });
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Read a request's result",
            description = "404 until the result is known. With wait=N (0 to 60 seconds) the call returns as soon as "
                    + "the result arrives, or 404 after N seconds.")
    @APIResponse(responseCode = "200", description = "The result, in the wire format of the result topic",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = InferenceResult.class)))
    @APIResponse(responseCode = "404", description = "No result (yet) for this id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "400", description = "wait is not a number of seconds from 0 to 60",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> result(@RestPath String id,
            @Parameter(description = "Seconds to wait for the result, 0 to 60",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "0", maximum = "60"))
            @RestQuery String wait) {
        Duration waitFor = Duration.ofSeconds(waitSeconds(wait, id));
        return results.await(id, waitFor).map(found -> found
                .map(r -> Response.ok(MessageJson.write(r), MediaType.APPLICATION_JSON_TYPE).build())
                .orElseThrow(() -> ProblemException.notFound(id, waitFor.isZero()
                        ? "no result for request " + id + " (yet)"
                        : "no result for request " + id + " within " + waitFor.toSeconds() + " s")));
    }

    /** The id the client was given and the body that goes to the request topic. */
    private record Submission(String id, byte[] body) {}

    /** Body of a 202. */
    public record Accepted(String id, String status) {}

    private Uni<Response> submit(String deadline, String priority, String requestId, Supplier<Submission> prepare) {
        if (backlog.overloaded()) {
            return Uni.createFrom().failure(ProblemException.backlogFull(null, backlog.lag(), backlog.retryAfterSeconds()));
        }
        Routing routing;
        try {
            routing = Routing.of(deadline, priority, requestId);
        } catch (InvalidRequestException e) {
            return Uni.createFrom().failure(ProblemException.invalid(e, RequestParser.isValidId(requestId) ? requestId : null));
        }
        // Decoding images is CPU work: keep it off the event loop.
        return Uni.createFrom().item(prepare).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(s -> Uni.createFrom().completionStage(
                        () -> producer.send(s.id(), s.body(), routing.deadlineEpochMs(), routing.priority()))
                        .replaceWith(s.id()))
                .map(acceptedId -> Response.accepted(MessageJson.write(new Accepted(acceptedId, "accepted")))
                        .type(MediaType.APPLICATION_JSON_TYPE)
                        .location(UriBuilder.fromPath("/v1/requests/{id}").build(acceptedId))
                        .build());
    }

    /** Before any decoding: a body the request topic cannot take is refused at the cheapest point. */
    private void checkRecordSize(byte[] body) {
        long limit = maxRecordBytes - RECORD_OVERHEAD_BYTES;
        if (body.length > limit) {
            throw ProblemException.tooLarge(null, body.length, limit);
        }
    }

    private static List<byte[]> readAll(List<FileUpload> uploads) {
        List<byte[]> bytes = new ArrayList<>();
        if (uploads != null) {
            for (FileUpload upload : uploads) {
                try {
                    bytes.add(Files.readAllBytes(upload.uploadedFile()));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read the uploaded part " + upload.fileName(), e);
                }
            }
        }
        return bytes;
    }

    private static int waitSeconds(String wait, String id) {
        if (wait == null || wait.isBlank()) {
            return 0;
        }
        try {
            int seconds = Integer.parseInt(wait.trim());
            if (seconds >= 0 && seconds <= MAX_WAIT_SECONDS) {
                return seconds;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ProblemException(400, "Bad Request", "invalid_parameter",
                "wait must be a whole number of seconds from 0 to " + MAX_WAIT_SECONDS + ", got '" + wait + "'", id,
                Map.of());
    }
}
