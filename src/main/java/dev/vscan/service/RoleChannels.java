package dev.vscan.service;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Derives which Kafka channels run from {@code vscan.role}, so one setting configures a pod: an
 * ingest instance never joins the workers' consumer group (it would take partitions and stall
 * them), and a worker does not follow the result topic, which only ingest instances serve over
 * HTTP. An explicit {@code ...enabled} setting still wins.
 */
@Priority(Priorities.APPLICATION + 100)
public class RoleChannels implements ConfigSourceInterceptor {

    static final String REQUESTS_ENABLED = "mp.messaging.incoming.requests.enabled";
    static final String RESULTS_IN_ENABLED = "mp.messaging.incoming.results-in.enabled";

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (value != null || !(name.equals(REQUESTS_ENABLED) || name.equals(RESULTS_IN_ENABLED))) {
            return value;
        }
        ConfigValue roleValue = context.proceed("vscan.role");
        String role = roleValue == null || roleValue.getValue() == null ? "all"
                : roleValue.getValue().trim().toLowerCase(Locale.ROOT);
        boolean enabled = name.equals(REQUESTS_ENABLED) ? !role.equals("ingest") : !role.equals("worker");
        return ConfigValue.builder().withName(name).withValue(String.valueOf(enabled))
                .withRawValue(String.valueOf(enabled)).withConfigSourceName("vscan.role")
                .withConfigSourceOrdinal(roleValue == null ? 0 : roleValue.getConfigSourceOrdinal()).build();
    }

    /** Messaging finds channel switches by listing property names, so the derived ones are listed too. */
    @Override
    public Iterator<String> iterateNames(ConfigSourceInterceptorContext context) {
        Set<String> names = new LinkedHashSet<>();
        context.iterateNames().forEachRemaining(names::add);
        names.add(REQUESTS_ENABLED);
        names.add(RESULTS_IN_ENABLED);
        return names.iterator();
    }
}
