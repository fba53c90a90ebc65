package dev.vscan.deploy;

import java.io.IOException;
import java.io.Reader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The configuration keys the service understands, in property form (vscan.batch.max-size), and
 * their environment-variable form under MicroProfile Config's rule (VSCAN_BATCH_MAX_SIZE).
 */
final class KnownConfigKeys {

    /**
     * quarkus.* and kafka.* keys that deployments may set although application.properties does not:
     * the Kafka client's TLS/SASL settings for an existing cluster (docs/OPERATIONS.md) and the log level.
     */
    static final Set<String> PASS_THROUGH_KEYS = Set.of(
            "kafka.bootstrap.servers",
            "kafka.security.protocol",
            "kafka.sasl.mechanism",
            "kafka.sasl.jaas.config",
            "kafka.ssl.truststore.location",
            "kafka.ssl.truststore.password",
            "kafka.ssl.truststore.type",
            "kafka.ssl.keystore.location",
            "kafka.ssl.keystore.password",
            "kafka.ssl.keystore.type",
            "kafka.ssl.key.password",
            "kafka.ssl.endpoint.identification.algorithm",
            "quarkus.log.level");

    private final Set<String> keys = new TreeSet<>();

    /** Every leaf of a @ConfigMapping interface, named the way SmallRye names them (kebab case). */
    KnownConfigKeys addMapping(String prefix, Class<?> mapping) {
        addGroup(prefix, mapping, mapping);
        return this;
    }

    private void addGroup(String prefix, Class<?> group, Class<?> root) {
        for (Method method : group.getMethods()) {
            if (Modifier.isStatic(method.getModifiers()) || method.isDefault() || method.getParameterCount() > 0) {
                continue;
            }
            String key = prefix + "." + kebabCase(method.getName());
            Class<?> type = method.getReturnType();
            // Nested groups (Model, Batch, ...) are interfaces declared inside the mapping; Path is an
            // interface too, but a value.
            if (type.isInterface() && type.getName().startsWith(root.getName() + "$")) {
                addGroup(key, type, root);
            } else {
                keys.add(key);
            }
        }
    }

    /** The keys of a properties file, without profile prefixes (%test.). */
    KnownConfigKeys addProperties(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        for (String name : properties.stringPropertyNames()) {
            keys.add(name.startsWith("%") ? name.substring(name.indexOf('.') + 1) : name);
        }
        return this;
    }

    KnownConfigKeys addAll(Set<String> more) {
        keys.addAll(more);
        return this;
    }

    Set<String> keys() {
        return Set.copyOf(keys);
    }

    boolean knowsEnvironmentName(String name) {
        return keys.stream().anyMatch(key -> environmentName(key).equals(name));
    }

    /** MicroProfile Config: every character that is not a letter or digit becomes '_', then upper case. */
    static String environmentName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    static String kebabCase(String methodName) {
        return methodName.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
