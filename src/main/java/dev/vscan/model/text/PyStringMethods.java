package dev.vscan.model.text;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * The Python {@code str} methods chat templates call ({@code message['role'].upper()},
 * {@code content.split('</think>')}, …), which Jinjava, seeing a Java String, would otherwise look up as Java
 * methods. Placed before Jinjava's own resolvers; any other method falls through to them.
 */
final class PyStringMethods extends ELResolver {

    private static final Object NOT_OURS = new Object();

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || method == null) {
            return null;
        }
        Object[] args = params == null ? new Object[0] : params;
        Object result = call(s, method.toString(), args);
        if (result == NOT_OURS) {
            return null;
        }
        context.setPropertyResolved(true);
        return result;
    }

    private static Object call(String s, String name, Object[] args) {
        return switch (name) {
            case "upper" -> {
                arity(name, args, 0, 0);
                yield s.toUpperCase(Locale.ROOT);
            }
            case "lower" -> {
                arity(name, args, 0, 0);
                yield s.toLowerCase(Locale.ROOT);
            }
            case "title" -> {
                arity(name, args, 0, 0);
                yield title(s);
            }
            case "capitalize" -> {
                arity(name, args, 0, 0);
                yield s.isEmpty() ? s
                        : s.substring(0, s.offsetByCodePoints(0, 1)).toUpperCase(Locale.ROOT)
                                + s.substring(s.offsetByCodePoints(0, 1)).toLowerCase(Locale.ROOT);
            }
            case "strip" -> strip(s, name, args, true, true);
            case "lstrip" -> strip(s, name, args, true, false);
            case "rstrip" -> strip(s, name, args, false, true);
            case "startswith" -> {
                arity(name, args, 1, 1);
                yield affixes(name, args[0]).stream().anyMatch(s::startsWith);
            }
            case "endswith" -> {
                arity(name, args, 1, 1);
                yield affixes(name, args[0]).stream().anyMatch(s::endsWith);
            }
            case "split" -> {
                arity(name, args, 0, 2);
                String sep = args.length > 0 && args[0] != null ? string(name, args[0]) : null;
                int maxSplit = args.length > 1 ? integer(name, args[1]) : -1;
                yield sep == null ? splitWhitespace(s, maxSplit) : split(s, sep, maxSplit);
            }
            case "replace" -> {
                arity(name, args, 2, 3);
                yield replace(s, string(name, args[0]), string(name, args[1]),
                        args.length > 2 ? integer(name, args[2]) : -1);
            }
            default -> NOT_OURS;
        };
    }

    private static void arity(String name, Object[] args, int min, int max) {
        if (args.length < min || args.length > max) {
            throw TemplateFailure.misuse("str." + name + "() takes " + (min == max ? String.valueOf(min)
                    : min + " to " + max) + " arguments, got " + args.length);
        }
    }

    private static String string(String name, Object arg) {
        if (arg instanceof CharSequence chars) {
            return chars.toString();
        }
        throw TemplateFailure.misuse("str." + name + "() wants a string argument, got " + describe(arg));
    }

    private static int integer(String name, Object arg) {
        if (arg instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())) {
            return n.intValue();
        }
        throw TemplateFailure.misuse("str." + name + "() wants an integer argument, got " + describe(arg));
    }

    private static List<String> affixes(String name, Object arg) {
        List<String> affixes = new ArrayList<>();
        if (arg instanceof Collection<?> tuple) {
            for (Object item : tuple) {
                affixes.add(string(name, item));
            }
        } else {
            affixes.add(string(name, arg));
        }
        return affixes;
    }

    private static String describe(Object arg) {
        return arg == null ? "None" : arg.getClass().getSimpleName();
    }

    /** Python's str.isspace for one character: Java's whitespace plus the no-break spaces and NEL. */
    private static boolean isSpace(int c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == 0x85;
    }

    private static String strip(String s, String name, Object[] args, boolean left, boolean right) {
        arity(name, args, 0, 1);
        String chars = args.length == 1 && args[0] != null ? string(name, args[0]) : null;
        int start = 0;
        int end = s.length();
        while (left && start < end && stripped(s.charAt(start), chars)) {
            start++;
        }
        while (right && end > start && stripped(s.charAt(end - 1), chars)) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean stripped(char c, String chars) {
        return chars == null ? isSpace(c) : chars.indexOf(c) >= 0;
    }

    private static List<String> splitWhitespace(String s, int maxSplit) {
        List<String> parts = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (true) {
            while (i < n && isSpace(s.charAt(i))) {
                i++;
            }
            if (i >= n) {
                return parts;
            }
            if (maxSplit >= 0 && parts.size() == maxSplit) {
                // Python keeps the rest as it is, trailing whitespace included.
                parts.add(s.substring(i));
                return parts;
            }
            int j = i;
            while (j < n && !isSpace(s.charAt(j))) {
                j++;
            }
            parts.add(s.substring(i, j));
            i = j;
        }
    }

    private static List<String> split(String s, String sep, int maxSplit) {
        if (sep.isEmpty()) {
            throw TemplateFailure.misuse("str.split(): empty separator");
        }
        List<String> parts = new ArrayList<>();
        int from = 0;
        int at = s.indexOf(sep);
        while (at >= 0 && (maxSplit < 0 || parts.size() < maxSplit)) {
            parts.add(s.substring(from, at));
            from = at + sep.length();
            at = s.indexOf(sep, from);
        }
        parts.add(s.substring(from));
        return parts;
    }

    private static String replace(String s, String old, String replacement, int count) {
        if (count < 0) {
            return s.replace(old, replacement);
        }
        StringBuilder out = new StringBuilder();
        int from = 0;
        int done = 0;
        if (old.isEmpty()) {
            // Python inserts the replacement before each character (and at the end), count times at most.
            while (done < count && from <= s.length()) {
                out.append(replacement);
                done++;
                if (from < s.length()) {
                    out.append(s.charAt(from));
                }
                from++;
            }
            return from <= s.length() ? out.append(s, from, s.length()).toString() : out.toString();
        }
        int at = s.indexOf(old);
        while (at >= 0 && done < count) {
            out.append(s, from, at).append(replacement);
            from = at + old.length();
            done++;
            at = s.indexOf(old, from);
        }
        return out.append(s.substring(from)).toString();
    }

    /** Python's str.title: a cased character after an uncased one is upper-cased, after a cased one lower-cased. */
    private static String title(String s) {
        StringBuilder out = new StringBuilder(s.length());
        boolean previousCased = false;
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            boolean cased = Character.isUpperCase(c) || Character.isLowerCase(c) || Character.isTitleCase(c);
            if (cased) {
                out.appendCodePoint(previousCased ? Character.toLowerCase(c) : Character.toTitleCase(c));
            } else {
                out.appendCodePoint(c);
            }
            previousCased = cased;
        }
        return out.toString();
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {
        // Not ours: strings have no settable properties; a later resolver decides.
    }

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
