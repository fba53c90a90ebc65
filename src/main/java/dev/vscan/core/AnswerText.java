package dev.vscan.core;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * An answer's text while its tokens come, for streaming and stop strings. After each token it decodes all
 * the tokens so far and releases the part of the text that can no longer change: not a trailing U+FFFD
 * (a character whose bytes are still coming, or a byte-fallback token's first bytes), and not a tail that
 * could be the start of a stop string. Decoding the whole sequence rather than each token alone keeps the
 * tokenizer's own joining (spaces, merged bytes), so the released pieces concatenate to the final text.
 */
final class AnswerText {

    private static final char INCOMPLETE = '\uFFFD';

    private final Function<long[], String> decoder;
    private final List<String> stops;
    private final int longestStop;
    private long[] tokens = new long[16];
    private int count;
    private String released = "";
    /** The answer before the stop string once one appeared, else null. */
    private String beforeStop;

    AnswerText(Function<long[], String> decoder, List<String> stops) {
        this.decoder = decoder;
        this.stops = List.copyOf(stops);
        this.longestStop = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Takes the next token; returns the text it made final, maybe "" (always "" after a stop string). */
    String add(long token) {
        if (beforeStop != null) {
            return "";
        }
        if (count == tokens.length) {
            tokens = Arrays.copyOf(tokens, count * 2);
        }
        tokens[count++] = token;
        String text = decoder.apply(Arrays.copyOf(tokens, count));
        int complete = text.length();
        while (complete > 0 && text.charAt(complete - 1) == INCOMPLETE) {
            complete--;
        }
        String settled = text.substring(0, complete);
        int stop = firstStop(settled, Math.max(0, released.length() - longestStop));
        if (stop >= 0) {
            beforeStop = settled.substring(0, stop);
            return release(beforeStop);
        }
        return release(settled.substring(0, complete - possibleStopStart(settled)));
    }

    /** Whether a stop string appeared: the sequence should end now. */
    boolean stopped() {
        return beforeStop != null;
    }

    /** The final answer: the text before the stop string, else the decoded tokens cut before any stop string. */
    String answer(long[] allTokens) {
        if (beforeStop != null) {
            return beforeStop;
        }
        String text = decoder.apply(allTokens);
        int stop = firstStop(text, 0);
        return stop >= 0 ? text.substring(0, stop) : text;
    }

    /** What {@link #add} has not released of the final {@code answer}; "" if the released text is not its start. */
    String rest(String answer) {
        return answer.startsWith(released) ? answer.substring(released.length()) : "";
    }

    /** Whether the released text is the start of {@code answer}, as it is unless a tokenizer re-decodes a prefix. */
    boolean consistentWith(String answer) {
        return answer.startsWith(released);
    }

    private String release(String upTo) {
        if (upTo.length() <= released.length() || !upTo.startsWith(released)) {
            return "";
        }
        String delta = upTo.substring(released.length());
        released = upTo;
        return delta;
    }

    private int firstStop(String text, int from) {
        int first = -1;
        for (String stop : stops) {
            int at = text.indexOf(stop, from);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** Length of the longest tail of {@code text} that is a proper prefix of a stop string. */
    private int possibleStopStart(String text) {
        for (int k = Math.min(longestStop - 1, text.length()); k > 0; k--) {
            for (String stop : stops) {
                if (k < stop.length() && text.regionMatches(text.length() - k, stop, 0, k)) {
                    return k;
                }
            }
        }
        return 0;
    }
}
