package dev.vscan.model.text;

import java.nio.charset.StandardCharsets;

/**
 * GPT-2's byte-to-character table used by Hugging Face's ByteLevel pre-tokenizer and decoder: every byte
 * gets a printable character so BPE can work on strings without ever meeting whitespace or control bytes.
 * Printable Latin-1 bytes map to themselves; the other 68 bytes map, in byte order, to U+0100 onwards.
 */
final class ByteLevelAlphabet {

    private static final char[] BYTE_TO_CHAR = buildTable();

    private ByteLevelAlphabet() {
    }

    /** The character that stands for byte {@code b} (0..255). */
    static char symbol(int b) {
        return BYTE_TO_CHAR[b & 0xFF];
    }

    /** The byte-level form of {@code text}: its UTF-8 bytes, each written as its symbol. */
    static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            out.append(symbol(b));
        }
        return out.toString();
    }

    private static char[] buildTable() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            table[b] = isPrintedAsItself(b) ? (char) b : (char) next++;
        }
        return table;
    }

    private static boolean isPrintedAsItself(int b) {
        return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
    }
}
