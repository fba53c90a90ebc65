package dev.vscan.model.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to one JSON object of a config file, with defaults for absent (or null) keys and
 * errors that name the file and the key path when a value has the wrong type.
 */
final class JsonFields {

    private final Path file;
    private final String prefix;
    private final JsonNode node;

    JsonFields(Path file, String prefix, JsonNode node) {
        this.file = file;
        this.prefix = prefix;
        this.node = node == null || node.isNull() ? MissingNode.getInstance() : node;
        if (!this.node.isMissingNode() && !this.node.isObject()) {
            throw new ConfigException(file + ": " + (prefix.isEmpty() ? "the file" : prefix) + " must be a JSON object");
        }
    }

    Path file() {
        return file;
    }

    /** A nested object (empty when absent). */
    JsonFields object(String key) {
        return new JsonFields(file, path(key), node.get(key));
    }

    boolean has(String key) {
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    JsonNode raw(String key) {
        return has(key) ? node.get(key) : null;
    }

    int intOr(String key, int fallback) {
        JsonNode value = raw(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw wrongType(key, "an integer", value);
        }
        return value.intValue();
    }

    Integer intOrNull(String key) {
        return has(key) ? intOr(key, 0) : null;
    }

    double doubleOr(String key, double fallback) {
        JsonNode value = raw(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw wrongType(key, "a number", value);
        }
        return value.doubleValue();
    }

    Double doubleOrNull(String key) {
        return has(key) ? doubleOr(key, 0) : null;
    }

    boolean boolOr(String key, boolean fallback) {
        JsonNode value = raw(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw wrongType(key, "true or false", value);
        }
        return value.booleanValue();
    }

    Boolean boolOrNull(String key) {
        return has(key) ? boolOr(key, false) : null;
    }

    String stringOr(String key, String fallback) {
        JsonNode value = raw(key);
        if (value == null) {
            return fallback;
        }
        if (!value.isTextual()) {
            throw wrongType(key, "a string", value);
        }
        return value.textValue();
    }

    /** An int or a list of ints (as Hugging Face allows for eos_token_id); null when absent. */
    List<Integer> intListOrNull(String key) {
        JsonNode value = raw(key);
        if (value == null) {
            return null;
        }
        List<Integer> ids = new ArrayList<>();
        if (value.isArray()) {
            for (JsonNode element : value) {
                if (!element.isIntegralNumber() || !element.canConvertToInt()) {
                    throw wrongType(key, "an integer or a list of integers", value);
                }
                ids.add(element.intValue());
            }
        } else if (value.isIntegralNumber() && value.canConvertToInt()) {
            ids.add(value.intValue());
        } else {
            throw wrongType(key, "an integer or a list of integers", value);
        }
        return ids;
    }

    float[] floatArrayOr(String key, float[] fallback) {
        JsonNode value = raw(key);
        if (value == null) {
            return fallback;
        }
        if (value.isNumber()) {
            return new float[] {value.floatValue()};
        }
        if (!value.isArray()) {
            throw wrongType(key, "a list of numbers", value);
        }
        float[] out = new float[value.size()];
        for (int i = 0; i < out.length; i++) {
            if (!value.get(i).isNumber()) {
                throw wrongType(key, "a list of numbers", value);
            }
            out[i] = value.get(i).floatValue();
        }
        return out;
    }

    String path(String key) {
        return prefix.isEmpty() ? key : prefix + "." + key;
    }

    ConfigException error(String message) {
        return new ConfigException(file + ": " + message);
    }

    private ConfigException wrongType(String key, String expected, JsonNode value) {
        return error(path(key) + " must be " + expected + ", got " + value);
    }
}
