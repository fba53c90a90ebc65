package dev.vscan.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.PathType;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Checks a JSON tree against one of the message schemas (draft 2020-12). Each schema is read from the
 * classpath and compiled once; the compiled form is immutable and shared by every thread.
 */
public final class SchemaValidator {

    private static final Map<MessageSchema, SchemaValidator> LOADED = loadAll();

    private final MessageSchema schema;
    private final JsonSchema compiled;

    private SchemaValidator(MessageSchema schema, JsonSchema compiled) {
        this.schema = schema;
        this.compiled = compiled;
    }

    /** The validator of one message schema. */
    public static SchemaValidator of(MessageSchema schema) {
        return LOADED.get(schema);
    }

    public MessageSchema schema() {
        return schema;
    }

    /**
     * The violations of {@code message}, each as {@code "<JSON pointer>: <what is wrong>"} (the pointer of the
     * whole message is {@code /}), sorted by pointer; empty when the message is valid.
     */
    public List<String> validate(JsonNode message) {
        if (message == null) {
            throw new IllegalArgumentException("no message to validate against " + schema.fileName());
        }
        return compiled.validate(message).stream()
                .sorted(Comparator.comparing((ValidationMessage m) -> m.getInstanceLocation().toString())
                        .thenComparing(ValidationMessage::getMessage))
                .map(SchemaValidator::readable)
                .distinct()
                .toList();
    }

    /** True when {@code message} has no violation. */
    public boolean isValid(JsonNode message) {
        return validate(message).isEmpty();
    }

    private static String readable(ValidationMessage violation) {
        String pointer = violation.getInstanceLocation().toString();
        String shown = pointer.isEmpty() ? "/" : pointer;
        if ("false".equals(violation.getType())) {
            // a "false" subschema forbids the property; the library's wording speaks of schemas, not fields
            return shown + ": must not be present here";
        }
        String text = violation.getMessage();
        // the library starts its message with the location; keep one copy, in our form
        if (text.startsWith(pointer + ": ")) {
            text = text.substring(pointer.length() + 2);
        } else if (text.startsWith(": ")) {
            text = text.substring(2);
        }
        return shown + ": " + text;
    }

    private static Map<MessageSchema, SchemaValidator> loadAll() {
        JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
        SchemaValidatorsConfig config = SchemaValidatorsConfig.builder()
                .pathType(PathType.JSON_POINTER)
                // 2020-12 makes "format" an annotation by default; the url field relies on it asserting
                .formatAssertionsEnabled(true)
                .build();
        Map<MessageSchema, SchemaValidator> loaded = new EnumMap<>(MessageSchema.class);
        for (MessageSchema schema : MessageSchema.values()) {
            try (InputStream in = SchemaValidator.class.getResourceAsStream(schema.resource())) {
                if (in == null) {
                    throw new IllegalStateException("schema " + schema.resource() + " is not on the classpath; the build"
                            + " copies the repository's schemas/ directory there");
                }
                JsonNode tree = MessageJson.mapper().readTree(in);
                JsonSchema compiled = factory.getSchema(tree, config);
                compiled.initializeValidators();
                loaded.put(schema, new SchemaValidator(schema, compiled));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read schema " + schema.resource() + ": " + e.getMessage(), e);
            }
        }
        return loaded;
    }
}
