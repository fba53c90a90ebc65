package dev.vscan.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Parses "--name value", repeated options and "--flag" switches, refusing anything unknown. */
final class Arguments {

    private final Map<String, List<String>> options = new HashMap<>();
    private final List<String> positional = new ArrayList<>();

    Arguments(String[] args, int from, Set<String> valued, Set<String> flags) {
        for (int i = from; i < args.length; i++) {
            String a = args[i];
            if (a.startsWith("--")) {
                String name = a.substring(2);
                if (flags.contains(name)) {
                    options.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
                } else if (valued.contains(name)) {
                    if (i + 1 >= args.length) {
                        throw new UsageException("option --" + name + " needs a value");
                    }
                    options.computeIfAbsent(name, k -> new ArrayList<>()).add(args[++i]);
                } else {
                    throw new UsageException("unknown option --" + name);
                }
            } else {
                positional.add(a);
            }
        }
    }

    /** The option names of several groups together, e.g. a command's own and the shared Kafka ones. */
    @SafeVarargs
    static Set<String> union(Set<String>... groups) {
        Set<String> all = new HashSet<>();
        for (Set<String> group : groups) {
            all.addAll(group);
        }
        return Set.copyOf(all);
    }

    List<String> positional() {
        return positional;
    }

    boolean flag(String name) {
        return options.containsKey(name);
    }

    List<String> all(String name) {
        return options.getOrDefault(name, List.of());
    }

    String string(String name, String fallback) {
        List<String> values = all(name);
        if (values.size() > 1) {
            throw new UsageException("option --" + name + " was given " + values.size() + " times");
        }
        return values.isEmpty() ? fallback : values.get(0);
    }

    String required(String name) {
        String value = string(name, null);
        if (value == null) {
            throw new UsageException("missing required option --" + name);
        }
        return value;
    }

    int integer(String name, int fallback) {
        String value = string(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be an integer, got '" + value + "'");
        }
    }

    long longValue(String name, long fallback) {
        String value = string(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be an integer, got '" + value + "'");
        }
    }

    double decimal(String name, double fallback) {
        String value = string(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new UsageException("option --" + name + " must be a number, got '" + value + "'");
        }
    }
}
