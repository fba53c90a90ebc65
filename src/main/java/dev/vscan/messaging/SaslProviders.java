package dev.vscan.messaging;

import java.security.Provider;
import java.security.Security;
import org.apache.kafka.common.security.plain.internals.PlainSaslServerProvider;
import org.apache.kafka.common.security.scram.internals.ScramSaslClientProvider;
import org.apache.kafka.common.security.scram.internals.ScramSaslServerProvider;

/**
 * Kafka offers PLAIN and SCRAM through JVM-wide security providers, registered once by whichever class
 * loader's Kafka got there first. Kafka classes of another loader (Quarkus' test and dev-mode loaders
 * beside the plain one) are then handed servers and clients that cannot read their callbacks, and
 * every login fails with "credentials for user could not be verified". {@link #claim()} replaces such
 * providers with this loader's; where there is one loader, as in production, it changes nothing.
 */
final class SaslProviders {

    private SaslProviders() {}

    static synchronized void claim() {
        claim(PlainSaslServerProvider.class, PlainSaslServerProvider::initialize, "Simple SASL/PLAIN Server Provider");
        claim(ScramSaslServerProvider.class, ScramSaslServerProvider::initialize, "SASL/SCRAM Server Provider");
        claim(ScramSaslClientProvider.class, ScramSaslClientProvider::initialize, "SASL/SCRAM Client Provider");
    }

    private static void claim(Class<? extends Provider> ours, Runnable install, String name) {
        Provider installed = Security.getProvider(name);
        if (installed != null && installed.getClass() == ours) {
            return;
        }
        if (installed != null) {
            Security.removeProvider(name);
        }
        install.run();
    }
}
