package dev.vscan.ingest.openai;

import dev.vscan.wire.InferenceResult;
import dev.vscan.wire.StreamChunk;
import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One streamed chat completion, from the first stream record or the result to {@code data: [DONE]}. The
 * response starts (200, event stream, the role chunk) only once the worker has produced something, so that a
 * request refused by the worker still gets its error status. The deltas of the current attempt are passed
 * on as they come; when a worker starts over (a new attempt), nothing is sent until the new text goes past
 * what the client has, which a seeded or greedy request retraces. The result, the record of truth, ends the
 * stream: the text it has beyond what was sent, its finish reason, its usage when asked for.
 *
 * <p>Every event is handled on the request's Vert.x context, one at a time.
 */
final class StreamedChat {

    private final HttpServerResponse response;
    private final Context context;
    private final ChatResponses shapes;
    private final boolean includeUsage;
    private final List<Runnable> onEnd = new ArrayList<>();
    private String attempt;
    private final StringBuilder attemptText = new StringBuilder();
    private int nextSeq;
    /** A gap in the attempt's records: its deltas are no longer trusted, the result fills in. */
    private boolean attemptBroken;
    private String sent = "";
    private boolean started;
    private boolean ended;

    StreamedChat(HttpServerResponse response, Context context, ChatResponses shapes, boolean includeUsage) {
        this.response = response;
        this.context = context;
        this.shapes = shapes;
        this.includeUsage = includeUsage;
        response.closeHandler(v -> context.runOnContext(x -> end()));
    }

    /** Run when the exchange ends, however it ends: unfollow the stream, stop waiting for the result. */
    void onEnd(Runnable cleanup) {
        context.runOnContext(v -> {
            if (ended) {
                cleanup.run();
            } else {
                onEnd.add(cleanup);
            }
        });
    }

    void chunk(StreamChunk chunk) {
        context.runOnContext(v -> onChunk(chunk));
    }

    void result(InferenceResult result) {
        context.runOnContext(v -> onResult(result));
    }

    /** No answer in time, or the request could not be sent. */
    void fail(OpenAiError error) {
        context.runOnContext(v -> onFailure(error));
    }

    private void onChunk(StreamChunk chunk) {
        if (ended) {
            return;
        }
        if (!chunk.attempt().equals(attempt)) {
            attempt = chunk.attempt();
            attemptText.setLength(0);
            nextSeq = 0;
            attemptBroken = false;
        }
        if (attemptBroken || chunk.seq() != nextSeq) {
            attemptBroken = true;
            return;
        }
        nextSeq++;
        attemptText.append(chunk.delta());
        begin();
        sendUpTo(attemptText.toString());
    }

    private void onResult(InferenceResult result) {
        if (ended) {
            return;
        }
        if (result.status() != InferenceResult.Status.ok) {
            onFailure(OpenAiError.of(result));
            return;
        }
        begin();
        String answer = result.answer() == null ? "" : result.answer();
        if (answer.startsWith(sent)) {
            sendUpTo(answer);
        } else {
            write(SseFrames.error(new OpenAiError(500, OpenAiError.SERVER_ERROR, null, "stream_diverged",
                    "the worker ran the request again and its answer differs from the text streamed so far",
                    Map.of())));
        }
        write(SseFrames.data(shapes.finishChunk(result)));
        if (includeUsage) {
            write(SseFrames.data(shapes.usageChunk(result)));
        }
        write(SseFrames.done());
        response.end();
        end();
    }

    private void onFailure(OpenAiError error) {
        if (ended) {
            return;
        }
        if (started) {
            write(SseFrames.error(error));
            write(SseFrames.done());
            response.end();
        } else {
            Replies.error(response, error);
        }
        end();
    }

    private void begin() {
        if (started) {
            return;
        }
        started = true;
        response.setStatusCode(200).setChunked(true)
                .putHeader("Content-Type", SseFrames.CONTENT_TYPE)
                .putHeader("Cache-Control", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        write(SseFrames.data(shapes.roleChunk()));
    }

    private void sendUpTo(String text) {
        if (text.length() > sent.length() && text.startsWith(sent)) {
            write(SseFrames.data(shapes.contentChunk(text.substring(sent.length()))));
            sent = text;
        }
    }

    private void write(Buffer frame) {
        if (!response.ended() && !response.closed()) {
            response.write(frame);
        }
    }

    private void end() {
        if (ended) {
            return;
        }
        ended = true;
        onEnd.forEach(Runnable::run);
        onEnd.clear();
    }
}
