package dev.vscan.ingest;

import dev.vscan.wire.MessageJson;
import dev.vscan.wire.StreamChunk;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Follows the stream topic for the requests this instance streams over HTTP. Like the {@link ResultStore},
 * each instance reads every partition in a group of its own, from the end, read_uncommitted (the workers
 * write the chunks outside transactions, so that they show at once); a chunk of a request nobody here
 * follows is dropped unread.
 */
@ApplicationScoped
public class StreamFollower {

    private static final Logger LOG = Logger.getLogger(StreamFollower.class);

    private final Map<String, Consumer<StreamChunk>> followers = new ConcurrentHashMap<>();

    /** Hands {@code id}'s chunks to {@code listener} until the returned handle is closed. */
    public Following follow(String id, Consumer<StreamChunk> listener) {
        if (followers.putIfAbsent(id, listener) != null) {
            throw new IllegalStateException("request " + id + " is followed already");
        }
        return () -> followers.remove(id, listener);
    }

    /** Requests followed now; 0 once every stream has ended, timed out or lost its client. */
    public int following() {
        return followers.size();
    }

    @Incoming("stream-in")
    public void onChunk(ConsumerRecord<String, byte[]> record) {
        Consumer<StreamChunk> listener = record.key() == null ? null : followers.get(record.key());
        if (listener == null) {
            return;
        }
        try {
            listener.accept(MessageJson.read(record.value(), StreamChunk.class));
        } catch (RuntimeException e) {
            LOG.warnf("ignored a stream record of %s: %s", record.key(), e.getMessage());
        }
    }

    /** The end of following one request; closing twice is harmless. */
    @FunctionalInterface
    public interface Following extends AutoCloseable {
        @Override
        void close();
    }
}
