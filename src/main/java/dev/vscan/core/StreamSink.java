package dev.vscan.core;

import dev.vscan.wire.StreamChunk;

/**
 * Where the text of a streamed answer leaves the core while it is generated: the Kafka adapter writes it
 * to the stream topic at once, outside the answer's transaction, a test keeps it. Called on a worker's
 * thread between decode steps, so it must not block.
 */
public interface StreamSink {

    /** Drops every chunk: for a core whose adapter streams nothing. */
    StreamSink NONE = chunk -> { };

    void emit(StreamChunk chunk);
}
