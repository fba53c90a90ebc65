package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * How an answer's text is released token by token. The tokens here are single bytes of UTF-8, the
 * worst case of byte-level BPE: a character may take several tokens, and until its last byte the
 * decoder shows U+FFFD.
 */
class AnswerTextTest {

    /** A byte-level decoder: each token is one byte, decoded as UTF-8 with U+FFFD for what is incomplete. */
    private static final Function<long[], String> BYTES = ids -> {
        byte[] b = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            b[i] = (byte) ids[i];
        }
        return new String(b, StandardCharsets.UTF_8);
    };

    private static long[] tokens(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        long[] ids = new long[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i] & 0xff;
        }
        return ids;
    }

    /** Feeds every token and returns the deltas released along the way, the stop-cut last one included. */
    private static List<String> feed(AnswerText text, long[] ids) {
        List<String> deltas = new ArrayList<>();
        for (long id : ids) {
            String d = text.add(id);
            if (!d.isEmpty()) {
                deltas.add(d);
            }
        }
        return deltas;
    }

    @Test
    void multiByteCharactersAreReleasedWholeAndTheDeltasMakeTheAnswer() {
        String answer = "Un caf\u00e9 \u00e0 Z\u00fcrich \u2014 \uD83D\uDE00 fin";
        AnswerText text = new AnswerText(BYTES, List.of());
        long[] ids = tokens(answer);
        List<String> deltas = feed(text, ids);
        for (String d : deltas) {
            assertFalse(d.contains("\uFFFD"), "a delta never shows a half character: " + deltas);
        }
        assertTrue(deltas.size() > 10, "released as it comes, not at the end: " + deltas);
        String joined = String.join("", deltas);
        assertEquals(answer, joined + text.rest(text.answer(ids)));
        assertEquals(answer, text.answer(ids));
    }

    @Test
    void aStopStringEndsTheAnswerBeforeItAndIsNeverReleased() {
        AnswerText text = new AnswerText(BYTES, List.of("END", "\n\n"));
        List<String> deltas = new ArrayList<>();
        long[] ids = tokens("a red circle END and more");
        int fed = 0;
        for (long id : ids) {
            fed++;
            String d = text.add(id);
            if (!d.isEmpty()) {
                deltas.add(d);
            }
            if (text.stopped()) {
                break;
            }
        }
        assertTrue(text.stopped());
        assertEquals("a red circle END".length(), fed, "stopped on the token that completed the stop string");
        assertEquals("a red circle ", text.answer(java.util.Arrays.copyOf(ids, fed)));
        assertEquals("a red circle ", String.join("", deltas), "the deltas hold everything before the stop");
        assertFalse(String.join("", deltas).contains("E"), "the stop string's start was held back, not sent");
        assertEquals("", text.add(ids[fed]), "nothing after the stop");
    }

    @Test
    void aHeldBackTailThatDoesNotBecomeAStopStringIsReleasedLater() {
        AnswerText text = new AnswerText(BYTES, List.of("ENDS"));
        assertEquals("a", text.add('a'));
        assertEquals("", text.add('E'));
        assertEquals("", text.add('N'));
        assertEquals("ENx", text.add('x'), "ENx cannot start ENDS any more");
        assertFalse(text.stopped());
    }

    @Test
    void anAnswerThatEndsOnAPossibleStopStartKeepsItInTheRest() {
        AnswerText text = new AnswerText(BYTES, List.of("###"));
        long[] ids = tokens("done #");
        String released = String.join("", feed(text, ids));
        assertEquals("done ", released);
        String answer = text.answer(ids);
        assertEquals("done #", answer);
        assertEquals("#", text.rest(answer), "the last chunk carries the held-back tail");
    }

    @Test
    void withoutAStopTheFinalAnswerIsCutAtTheFirstStopString() {
        AnswerText text = new AnswerText(BYTES, List.of("x"));
        assertEquals("ab", text.answer(tokens("abxcx")));
    }
}
