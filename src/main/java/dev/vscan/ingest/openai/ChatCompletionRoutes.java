package dev.vscan.ingest.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.vscan.core.ModelRepository;
import dev.vscan.core.RequestParser;
import dev.vscan.core.ServingRole;
import dev.vscan.images.ImageFetcher;
import dev.vscan.ingest.ApiKeyFilter;
import dev.vscan.ingest.ApiKeys;
import dev.vscan.ingest.IngestConfig;
import dev.vscan.ingest.ProblemException;
import dev.vscan.ingest.RequestBacklog;
import dev.vscan.ingest.RequestProducer;
import dev.vscan.ingest.RequestValidator;
import dev.vscan.ingest.ResultStore;
import dev.vscan.ingest.StreamFollower;
import dev.vscan.model.image.ImageDecoder;
import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.InvalidRequestException;
import dev.vscan.wire.MessageJson;
import io.quarkus.vertx.web.Body;
import io.quarkus.vertx.web.Route;
import io.smallrye.mutiny.subscription.Cancellable;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.logging.Logger;

/**
 * POST /v1/chat/completions and GET /v1/models in OpenAI's shapes. A chat request is checked here (the
 * mapping, then everything the ingest checks of a wire request) and written to the request topic like any
 * producer's, with a deadline at the chat timeout; the answer is the request's result from the result topic,
 * or for {@code stream: true} its text from the stream topic as the worker writes it ({@link StreamedChat}).
 * API keys and the ingest role are checked here, as the JAX-RS filters do for the rest of the API.
 */
@ApplicationScoped
@Tag(name = "openai", description = "OpenAI-compatible chat completions")
public class ChatCompletionRoutes {

    private static final Logger LOG = Logger.getLogger(ChatCompletionRoutes.class);

    /** Broker record overhead (key, headers, batch framing) kept free below max.request.size. */
    private static final int RECORD_OVERHEAD_BYTES = 4096;

    @Inject
    RequestProducer producer;

    @Inject
    ResultStore results;

    @Inject
    StreamFollower streams;

    @Inject
    RequestBacklog backlog;

    @Inject
    RequestParser parser;

    @Inject
    ImageFetcher images;

    @Inject
    ImageDecoder decoder;

    @Inject
    ApiKeys keys;

    @Inject
    ServingRole role;

    @Inject
    ModelRepository models;

    @Inject
    IngestConfig config;

    @ConfigProperty(name = "mp.messaging.outgoing.requests-out.max.request.size", defaultValue = "1048576")
    long maxRecordBytes;

    private RequestValidator validator;
    private ChatRequestMapper mapper;
    private final long startedEpochSeconds = System.currentTimeMillis() / 1000;

    @PostConstruct
    void init() {
        validator = new RequestValidator(parser, images, decoder);
        mapper = new ChatRequestMapper(models.modelId());
    }

    @Route(path = "/v1/chat/completions", methods = Route.HttpMethod.POST, type = Route.HandlerType.BLOCKING,
            order = 1)
    @Operation(summary = "Create a chat completion (OpenAI-compatible)",
            description = "OpenAI's chat completion request: messages whose content is text or content parts (text,"
                    + " image_url with a data: URL or an http(s) URL that the worker fetches under its URL policy);"
                    + " model, max_tokens or max_completion_tokens, temperature, top_p, seed, stop (up to 4), n=1, stream"
                    + " and stream_options.include_usage; the extension vscan {method, budget, r1, r2, layer, fraction,"
                    + " positions, r1_ratio, r2_ratio} chooses the visual-token reduction. The request goes through the"
                    + " request topic to the workers like any other.")
    @RequestBody(content = @Content(mediaType = Replies.JSON))
    @APIResponse(responseCode = "200", description = "A chat.completion, or with stream=true server-sent events of"
            + " chat.completion.chunk objects ending with data: [DONE]",
            content = {@Content(mediaType = Replies.JSON), @Content(mediaType = "text/event-stream")})
    @APIResponse(responseCode = "400", description = "invalid_request_error: the parameter named by param, or the"
            + " request as the workers would refuse it (code as on the result topic, e.g. image_url_refused)",
            content = @Content(mediaType = Replies.JSON))
    @APIResponse(responseCode = "401", description = "API keys are on and none (or a wrong one) came",
            content = @Content(mediaType = Replies.JSON))
    @APIResponse(responseCode = "404", description = "model_not_found: not the model this service serves",
            content = @Content(mediaType = Replies.JSON))
    @APIResponse(responseCode = "413", description = "Larger than the request topic accepts",
            content = @Content(mediaType = Replies.JSON))
    @APIResponse(responseCode = "429", description = "The workers are too far behind; retry after Retry-After seconds",
            headers = @Header(name = "Retry-After"), content = @Content(mediaType = Replies.JSON))
    @APIResponse(responseCode = "504", description = "No answer within vscan.ingest.chat-timeout",
            content = @Content(mediaType = Replies.JSON))
    void complete(RoutingContext rc, @Body Buffer body) {
        HttpServerResponse response = rc.response();
        try {
            admit(rc);
            String id = "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
            ChatRequestMapper.ChatRequest chat = mapper.map(json(body), id);
            byte[] wire = MessageJson.write(chat.wire());
            checkRecordSize(wire);
            validate(wire);
            ChatResponses shapes = new ChatResponses(id, System.currentTimeMillis() / 1000, chat.model());
            if (chat.stream()) {
                stream(rc, id, wire, shapes, chat.includeUsage());
            } else {
                answer(response, id, wire, shapes);
            }
        } catch (OpenAiError e) {
            Replies.error(response, e);
        } catch (RuntimeException e) {
            LOG.error("chat completion failed", e);
            Replies.error(response, new OpenAiError(500, OpenAiError.SERVER_ERROR, null, "internal_error",
                    String.valueOf(e.getMessage()), Map.of()));
        }
    }

    /** Body over quarkus.http.limits.max-body-size, and anything else the router fails with, in OpenAI's shape. */
    @Route(path = "/v1/chat/completions", type = Route.HandlerType.FAILURE, order = 2)
    void failed(RoutingContext rc) {
        int status = rc.statusCode() > 0 ? rc.statusCode() : 500;
        String code = status == 413 ? "payload_too_large" : status < 500 ? "invalid_request" : "internal_error";
        Replies.error(rc.response(), new OpenAiError(status, status < 500 ? OpenAiError.INVALID_REQUEST
                : OpenAiError.SERVER_ERROR, null, code, rc.failure() == null ? "HTTP " + status
                : String.valueOf(rc.failure().getMessage()), Map.of()));
    }

    @Route(path = "/v1/models", methods = Route.HttpMethod.GET)
    @Operation(summary = "List the models (OpenAI-compatible)", description = "The one model this service serves.")
    @APIResponse(responseCode = "200", description = "A list object", content = @Content(mediaType = Replies.JSON))
    void listModels(RoutingContext rc) {
        try {
            admitWithoutBacklog(rc);
            Replies.json(rc.response(), 200, ChatResponses.models(models.modelId(), startedEpochSeconds));
        } catch (OpenAiError e) {
            Replies.error(rc.response(), e);
        }
    }

    @Route(path = "/v1/models/:model", methods = Route.HttpMethod.GET)
    @Operation(summary = "Retrieve a model (OpenAI-compatible)")
    @APIResponse(responseCode = "200", description = "The model", content = @Content(mediaType = Replies.JSON))
    @APIResponse(responseCode = "404", description = "Not the model this service serves",
            content = @Content(mediaType = Replies.JSON))
    void model(RoutingContext rc) {
        try {
            admitWithoutBacklog(rc);
            String asked = rc.pathParam("model");
            if (!models.modelId().equals(asked)) {
                throw OpenAiError.unknownModel(asked, models.modelId());
            }
            Replies.json(rc.response(), 200, ChatResponses.model(asked, startedEpochSeconds));
        } catch (OpenAiError e) {
            Replies.error(rc.response(), e);
        }
    }

    private void answer(HttpServerResponse response, String id, byte[] wire, ChatResponses shapes) {
        Cancellable waiting = results.await(id, timeout()).subscribe().with(found -> {
            if (found.isEmpty()) {
                Replies.error(response, timedOut());
            } else if (found.get().status() == InferenceResult.Status.ok) {
                Replies.json(response, 200, shapes.completion(found.get()));
            } else {
                Replies.error(response, OpenAiError.of(found.get()));
            }
        }, failure -> Replies.error(response, sendFailed(failure)));
        // A client that leaves stops the wait; the worker still answers, and its result is dropped.
        response.closeHandler(v -> waiting.cancel());
        send(id, wire).whenComplete((ok, failure) -> {
            if (failure != null) {
                waiting.cancel();
                Replies.error(response, sendFailed(failure));
            }
        });
    }

    private void stream(RoutingContext rc, String id, byte[] wire, ChatResponses shapes, boolean includeUsage) {
        Context context = Vertx.currentContext() != null ? Vertx.currentContext() : rc.vertx().getOrCreateContext();
        StreamedChat chat = new StreamedChat(rc.response(), context, shapes, includeUsage);
        StreamFollower.Following following = streams.follow(id, chat::chunk);
        chat.onEnd(following::close);
        Cancellable waiting = results.await(id, timeout()).subscribe().with(
                found -> found.ifPresentOrElse(chat::result, () -> chat.fail(timedOut())),
                failure -> chat.fail(sendFailed(failure)));
        chat.onEnd(waiting::cancel);
        send(id, wire).whenComplete((ok, failure) -> {
            if (failure != null) {
                chat.fail(sendFailed(failure));
            }
        });
    }

    private java.util.concurrent.CompletionStage<Void> send(String id, byte[] wire) {
        long deadline = System.currentTimeMillis() + timeout().toMillis();
        return producer.send(id, wire, deadline, null);
    }

    private Duration timeout() {
        return config.chatTimeout();
    }

    private OpenAiError timedOut() {
        return new OpenAiError(504, OpenAiError.SERVER_ERROR, null, "timeout", "no answer within "
                + timeout().toSeconds() + " s (vscan.ingest.chat-timeout); the workers may be overloaded", Map.of());
    }

    private static OpenAiError sendFailed(Throwable failure) {
        return new OpenAiError(503, OpenAiError.SERVER_ERROR, null, "unavailable", "the request could not be queued: "
                + failure.getMessage(), Map.of());
    }

    private void admit(RoutingContext rc) {
        admitWithoutBacklog(rc);
        if (backlog.overloaded()) {
            throw OpenAiError.of(ProblemException.backlogFull(null, backlog.lag(), backlog.retryAfterSeconds()));
        }
    }

    private void admitWithoutBacklog(RoutingContext rc) {
        if (!role.servesHttp()) {
            throw new OpenAiError(404, OpenAiError.INVALID_REQUEST, null, "wrong_role",
                    "this instance runs vscan.role=worker; send requests to an ingest instance", Map.of());
        }
        keys.refusal(rc.request().getHeader("Authorization"), rc.request().getHeader(ApiKeyFilter.API_KEY_HEADER))
                .ifPresent(refused -> {
                    throw OpenAiError.of(refused);
                });
    }

    private static JsonNode json(Buffer body) {
        byte[] bytes = body == null ? new byte[0] : body.getBytes();
        try {
            return MessageJson.tree(bytes);
        } catch (UncheckedIOException e) {
            throw OpenAiError.invalid(null, "malformed_json", "the body is not valid JSON: " + e.getMessage());
        }
    }

    private void checkRecordSize(byte[] wire) {
        long limit = maxRecordBytes - RECORD_OVERHEAD_BYTES;
        if (wire.length > limit) {
            throw OpenAiError.of(ProblemException.tooLarge(null, wire.length, limit));
        }
    }

    private void validate(byte[] wire) {
        try {
            validator.validate(wire, null);
        } catch (ProblemException e) {
            throw OpenAiError.of(e);
        } catch (InvalidRequestException e) {
            throw OpenAiError.of(e);
        }
    }
}
