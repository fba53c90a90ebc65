package dev.vscan.model.text;

import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.lib.filter.Filter;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * transformers' {@code tojson} filter: Python's {@code json.dumps(x, ensure_ascii=False, indent=None,
 * separators=None, sort_keys=False)}, so {@code ", "} and {@code ": "} between items, nothing HTML-escaped
 * (Jinjava's own filter writes compact JSON).
 */
final class PyJson implements Filter {

    private static final String[] PARAMETERS = {"ensure_ascii", "indent", "separators", "sort_keys"};

    @Override
    public String getName() {
        return "tojson";
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, String... args) {
        return dumps(var, false, null, null, null, false);
    }

    @Override
    public Object filter(Object var, JinjavaInterpreter interpreter, Object[] args, Map<String, Object> kwargs) {
        if (args.length > PARAMETERS.length) {
            throw TemplateFailure.misuse("tojson takes at most " + PARAMETERS.length + " arguments");
        }
        Object[] given = new Object[PARAMETERS.length];
        System.arraycopy(args, 0, given, 0, args.length);
        for (Map.Entry<String, Object> kwarg : kwargs.entrySet()) {
            int at = List.of(PARAMETERS).indexOf(kwarg.getKey());
            if (at < 0) {
                throw TemplateFailure.misuse("tojson got an unexpected argument '" + kwarg.getKey() + "'");
            }
            given[at] = kwarg.getValue();
        }
        String indent = indent(given[1]);
        String itemSeparator = indent == null ? ", " : ",";
        String keySeparator = ": ";
        if (given[2] != null) {
            List<String> separators = separators(given[2]);
            itemSeparator = separators.get(0);
            keySeparator = separators.get(1);
        }
        return dumps(var, truthy(given[0]), indent, itemSeparator, keySeparator, truthy(given[3]));
    }

    /** {@code json.dumps} with the given options; null separators mean Python's defaults for the indent. */
    static String dumps(Object value, boolean ensureAscii, String indent, String itemSeparator, String keySeparator,
            boolean sortKeys) {
        StringBuilder out = new StringBuilder();
        new Writer(ensureAscii, indent, itemSeparator == null ? (indent == null ? ", " : ",") : itemSeparator,
                keySeparator == null ? ": " : keySeparator, sortKeys, out).write(value, 0);
        return out.toString();
    }

    private static boolean truthy(Object value) {
        return value instanceof Boolean b ? b : value != null;
    }

    private static String indent(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return " ".repeat(Math.max(0, n.intValue()));
        }
        if (value instanceof CharSequence chars) {
            return chars.toString();
        }
        throw TemplateFailure.misuse("tojson indent must be an integer or a string");
    }

    private static List<String> separators(Object value) {
        List<String> separators = new ArrayList<>();
        if (value instanceof Collection<?> items) {
            for (Object item : items) {
                separators.add(String.valueOf(item));
            }
        }
        if (separators.size() != 2) {
            throw TemplateFailure.misuse("tojson separators must be (item_separator, key_separator)");
        }
        return separators;
    }

    /** Python's repr of a float, which json.dumps writes: shortest digits, exponent below 1e-4 and from 1e16. */
    static String pythonFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Infinity" : "-Infinity";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0.0" : "0.0";
        }
        BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
        String digits = exact.unscaledValue().toString();
        int exponent = digits.length() - 1 - exact.scale();
        StringBuilder out = new StringBuilder(d < 0 ? "-" : "");
        if (exponent >= -4 && exponent < 16) {
            if (exponent >= 0) {
                String whole = digits.length() > exponent + 1 ? digits.substring(0, exponent + 1)
                        : digits + "0".repeat(exponent + 1 - digits.length());
                String fraction = digits.length() > exponent + 1 ? digits.substring(exponent + 1) : "0";
                out.append(whole).append('.').append(fraction);
            } else {
                out.append("0.").append("0".repeat(-exponent - 1)).append(digits);
            }
        } else {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int magnitude = Math.abs(exponent);
            out.append(magnitude < 10 ? "0" : "").append(magnitude);
        }
        return out.toString();
    }

    private record Writer(boolean ensureAscii, String indent, String itemSeparator, String keySeparator,
            boolean sortKeys, StringBuilder out) {

        void write(Object value, int depth) {
            if (value == null) {
                out.append("null");
            } else if (value instanceof CharSequence chars) {
                string(chars.toString());
            } else if (value instanceof Boolean b) {
                out.append(b ? "true" : "false");
            } else if (value instanceof Double || value instanceof Float || value instanceof BigDecimal) {
                out.append(pythonFloat(((Number) value).doubleValue()));
            } else if (value instanceof Number n) {
                out.append(n instanceof BigInteger ? n.toString() : Long.toString(n.longValue()));
            } else if (value instanceof Map<?, ?> map) {
                object(map, depth);
            } else if (value instanceof Iterable<?> items) {
                List<Object> list = new ArrayList<>();
                items.forEach(list::add);
                array(list, depth);
            } else if (value.getClass().isArray()) {
                List<Object> list = new ArrayList<>();
                for (int i = 0; i < Array.getLength(value); i++) {
                    list.add(Array.get(value, i));
                }
                array(list, depth);
            } else {
                throw TemplateFailure.misuse("Object of type " + value.getClass().getSimpleName()
                        + " is not JSON serializable");
            }
        }

        private void array(List<Object> items, int depth) {
            if (items.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append('[');
            for (int i = 0; i < items.size(); i++) {
                out.append(i == 0 ? "" : itemSeparator);
                newline(depth + 1);
                write(items.get(i), depth + 1);
            }
            newline(depth);
            out.append(']');
        }

        private void object(Map<?, ?> map, int depth) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            List<Map.Entry<String, Object>> entries = new ArrayList<>();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                entries.add(new AbstractMap.SimpleEntry<>(key(entry.getKey()), entry.getValue()));
            }
            if (sortKeys) {
                entries.sort(Map.Entry.comparingByKey());
            }
            out.append('{');
            for (int i = 0; i < entries.size(); i++) {
                out.append(i == 0 ? "" : itemSeparator);
                newline(depth + 1);
                string(entries.get(i).getKey());
                out.append(keySeparator);
                write(entries.get(i).getValue(), depth + 1);
            }
            newline(depth);
            out.append('}');
        }

        private static String key(Object key) {
            if (key == null) {
                return "null";
            }
            if (key instanceof Boolean b) {
                return b ? "true" : "false";
            }
            if (key instanceof Double || key instanceof Float) {
                return pythonFloat(((Number) key).doubleValue());
            }
            return key.toString();
        }

        private void newline(int depth) {
            if (indent != null) {
                out.append('\n').append(indent.repeat(depth));
            }
        }

        private void string(String s) {
            out.append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    case '\b' -> out.append("\\b");
                    case '\f' -> out.append("\\f");
                    default -> {
                        if (c < 0x20 || (ensureAscii && c > 0x7e)) {
                            out.append(String.format("\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            out.append('"');
        }
    }
}
