package dev.vscan.core;

import dev.vscan.wire.InferenceRequest.RequestOptions;
import java.util.List;

/**
 * How a request wants its text: streamed while it is generated, and cut before the first stop string.
 *
 * @param stop at most a few non-empty strings (the parser checked them); empty for none
 */
public record AnswerOptions(boolean stream, List<String> stop) {

    public static final AnswerOptions PLAIN = new AnswerOptions(false, List.of());

    public AnswerOptions {
        stop = List.copyOf(stop);
        for (String s : stop) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("a stop string must not be empty");
            }
        }
    }

    public static AnswerOptions of(RequestOptions options) {
        return options == null ? PLAIN : new AnswerOptions(options.streams(), options.stopStrings());
    }

    /** Whether the text must be followed token by token (else it is decoded once, at the end). */
    boolean followsText() {
        return stream || !stop.isEmpty();
    }
}
