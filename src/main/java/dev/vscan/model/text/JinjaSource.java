package dev.vscan.model.text;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rewrites a template's source so that Jinjava, run with {@code trimBlocks} only, renders Jinja's whitespace
 * as transformers configures it. Jinja's lexer does three things Jinjava 2.8.2 does differently:
 * <ul>
 * <li>it normalises newlines to {@code \n} and drops one trailing newline ({@code keep_trailing_newline=False});
 * <li>{@code lstrip_blocks} strips the spaces and tabs before a block tag or comment only when nothing but
 * them stands between the start of the line and the tag (Jinjava strips them before any tag), and
 * {@code {%+} and {@code +%}} turn it and {@code trim_blocks} off for one tag (Jinjava knows neither);
 * <li>a comment's {@code -} trims around it (Jinjava loses text next to a trimmed comment).
 * </ul>
 * Here lstrip is applied to the text, the {@code +} markers are removed (an empty expression after a
 * {@code +%}} keeps Jinjava's trim_blocks off the newline), and comments are removed, or replaced by an
 * empty expression carrying their {@code -}.
 */
final class JinjaSource {

    private static final Pattern END_RAW = Pattern.compile("\\{%[-+]?\\s*endraw\\s*[-+]?%}");

    private final String source;
    private final StringBuilder out = new StringBuilder();
    /** Where in {@link #out} the text since the last tag or expression begins. */
    private int textStart;
    /** Whether that text begins a line of the source (or the template). */
    private boolean textStartsLine = true;

    private JinjaSource(String source) {
        this.source = source;
    }

    /** @throws IllegalArgumentException if a tag, expression or comment is not closed */
    static String rewrite(String template) {
        String source = template.replace("\r\n", "\n").replace('\r', '\n');
        if (source.endsWith("\n")) {
            source = source.substring(0, source.length() - 1);
        }
        return new JinjaSource(source).run();
    }

    private String run() {
        int i = 0;
        while (i < source.length()) {
            if (source.startsWith("{{", i)) {
                int end = tagEnd(i, "}}");
                out.append(source, i, end);
                i = afterTag(end);
            } else if (source.startsWith("{%", i)) {
                i = block(i);
            } else if (source.startsWith("{#", i)) {
                i = comment(i);
            } else {
                out.append(source.charAt(i++));
            }
        }
        return out.toString();
    }

    private int block(int start) {
        int end = tagEnd(start, "%}");
        String tag = source.substring(start, end);
        boolean keepLeft = tag.charAt(2) == '+';
        boolean keepRight = tag.length() >= 5 && tag.charAt(tag.length() - 3) == '+';
        if (!keepLeft && tag.charAt(2) != '-') {
            lstrip();
        }
        String body = tag.substring(keepLeft ? 3 : 2, tag.length() - (keepRight ? 3 : 2));
        out.append("{%").append(body).append("%}");
        if (keepRight && end < source.length() && source.charAt(end) == '\n') {
            // Jinjava would trim this newline; an expression in between keeps it.
            out.append("{{ '' }}");
        }
        int next = afterTag(end);
        if (body.replace("-", "").trim().equals("raw")) {
            Matcher endRaw = END_RAW.matcher(source);
            int rawEnd = endRaw.find(next) ? endRaw.start() : source.length();
            out.append(source, next, rawEnd);
            next = rawEnd;
        }
        return next;
    }

    private int comment(int start) {
        int close = source.indexOf("#}", start + 2);
        if (close < 0) {
            throw unclosed(start);
        }
        int end = close + 2;
        String comment = source.substring(start, end);
        char left = comment.length() > 2 ? comment.charAt(2) : ' ';
        char right = comment.length() >= 5 ? comment.charAt(comment.length() - 3) : ' ';
        if (left != '+' && left != '-') {
            lstrip();
        }
        boolean trimLeft = left == '-';
        boolean trimRight = right == '-' && comment.length() >= 5;
        if (trimLeft || trimRight) {
            out.append("{{").append(trimLeft ? "-" : "").append(" '' ").append(trimRight ? "-" : "").append("}}");
        }
        int next = end;
        if (!trimRight && right != '+' && next < source.length() && source.charAt(next) == '\n') {
            next++; // trim_blocks applies to comments too
        }
        return afterTag(next);
    }

    /** Notes where the following text starts. */
    private int afterTag(int end) {
        textStart = out.length();
        textStartsLine = end > 0 && source.charAt(end - 1) == '\n';
        return end;
    }

    /** Jinja's lstrip_blocks for the tag about to be appended. */
    private void lstrip() {
        int lineStart = out.lastIndexOf("\n") + 1;
        if (lineStart <= textStart) {
            if (!textStartsLine) {
                return;
            }
            lineStart = textStart;
        }
        for (int i = lineStart; i < out.length(); i++) {
            char c = out.charAt(i);
            if (c != ' ' && c != '\t' && c != '\f' && c != '\u000b') {
                return;
            }
        }
        out.setLength(lineStart);
    }

    /** The index after the tag's closing {@code close}, outside quotes. */
    private int tagEnd(int start, String close) {
        char quote = 0;
        for (int i = start + 2; i < source.length(); i++) {
            char c = source.charAt(i);
            if (quote != 0) {
                if (c == '\\') {
                    i++;
                } else if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (source.startsWith(close, i)) {
                return i + close.length();
            }
        }
        throw unclosed(start);
    }

    // Reported here because Jinjava also warns "Unclosed token" for a closed tag holding '{{' or '{%' in a string.
    private IllegalArgumentException unclosed(int start) {
        int line = 1;
        for (int i = 0; i < start; i++) {
            line += source.charAt(i) == '\n' ? 1 : 0;
        }
        return new IllegalArgumentException("unclosed '" + source.substring(start, start + 2) + "' (line " + line + ")");
    }
}
