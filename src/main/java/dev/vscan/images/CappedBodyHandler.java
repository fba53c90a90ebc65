package dev.vscan.images;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpResponse.BodyHandler;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a 2xx response body up to a byte cap, counting what actually arrives (a Content-Length above
 * the cap fails at once, but a smaller or missing one is not trusted). Bodies of other statuses are not
 * read: the connection is dropped and the body is null.
 */
final class CappedBodyHandler implements BodyHandler<byte[]> {

    /** The body passed the cap; the fetcher reports it as a too-large image. */
    static final class BodyTooLargeException extends IOException {
        private static final long serialVersionUID = 1L;
        private final long bytes;
        private final boolean declared;

        BodyTooLargeException(long bytes, boolean declared) {
            super((declared ? "declared " : "more than ") + bytes + " bytes");
            this.bytes = bytes;
            this.declared = declared;
        }

        String describe() {
            return declared ? "a Content-Length of " + bytes + " bytes" : "more than " + bytes + " bytes";
        }
    }

    private final long maxBytes;
    private volatile Subscriber current;

    CappedBodyHandler(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    @Override
    public BodySubscriber<byte[]> apply(ResponseInfo info) {
        int status = info.statusCode();
        if (status < 200 || status > 299) {
            current = new Subscriber(-1, null);
        } else {
            long declared = info.headers().firstValueAsLong("Content-Length").orElse(-1);
            current = new Subscriber(maxBytes, declared > maxBytes ? new BodyTooLargeException(declared, true) : null);
        }
        return current;
    }

    /** Stops reading a body the caller no longer waits for. */
    void abandon() {
        Subscriber subscriber = current;
        if (subscriber != null) {
            subscriber.stop(new IOException("abandoned"));
        }
    }

    private static final class Subscriber implements BodySubscriber<byte[]> {
        private final long cap;
        private final IOException failFast;
        private final CompletableFuture<byte[]> body = new CompletableFuture<>();
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile Flow.Subscription subscription;

        /** {@code cap} -1 skips the body. */
        Subscriber(long cap, IOException failFast) {
            this.cap = cap;
            this.failFast = failFast;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            if (failFast != null) {
                stop(failFast);
            } else if (cap < 0) {
                subscription.cancel();
                body.complete(null);
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (body.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if ((long) received.size() + buffer.remaining() > cap) {
                    stop(new BodyTooLargeException(cap, false));
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                received.write(chunk, 0, chunk.length);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable error) {
            body.completeExceptionally(error);
        }

        @Override
        public void onComplete() {
            body.complete(received.toByteArray());
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return body;
        }

        void stop(IOException reason) {
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
            body.completeExceptionally(reason);
        }
    }
}
