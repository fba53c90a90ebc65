package dev.vscan.cli;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Kafka client failures as one line a user can act on: a refused setting or an oversized record is bad
 * input (status 2); an unreachable broker or a refused login is a failure (status 1) naming the servers.
 */
final class KafkaErrors {

    private KafkaErrors() {}

    /** The exception to report instead of {@code e}; anything not from Kafka is returned as it is. */
    static RuntimeException explain(KafkaSettings settings, RuntimeException e) {
        if (!(e instanceof KafkaException)) {
            return e;
        }
        Throwable config = find(e, ConfigException.class);
        if (config != null) {
            return new UsageException("a Kafka client setting was refused: " + config.getMessage());
        }
        Throwable tooLarge = find(e, RecordTooLargeException.class);
        if (tooLarge != null) {
            return new UsageException(tooLarge.getMessage() + " (the broker's message.max.bytes may be lower still)");
        }
        if (find(e, AuthenticationException.class) != null || find(e, AuthorizationException.class) != null) {
            return new IllegalStateException("Kafka at " + settings.bootstrap() + " refused this client: "
                    + e.getMessage(), e);
        }
        if (find(e, TimeoutException.class) != null) {
            return new IllegalStateException("no answer from Kafka at " + settings.bootstrap() + " in time ("
                    + e.getMessage() + "); is the broker up, and are --bootstrap and the security settings right?", e);
        }
        return new IllegalStateException("Kafka at " + settings.bootstrap() + ": " + e.getMessage(), e);
    }

    private static Throwable find(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }
}
