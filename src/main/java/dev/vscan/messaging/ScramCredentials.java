package dev.vscan.messaging;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;

/**
 * Makes the broker's SCRAM-SHA-256 users exactly the given ones. SCRAM credentials are kept in the
 * cluster metadata, so they outlive a restart: users dropped from the list are deleted, passwords set anew.
 */
final class ScramCredentials {

    /** Kafka's default and the least it accepts for SCRAM-SHA-256. */
    private static final int ITERATIONS = 4096;
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private ScramCredentials() {}

    static void sync(Map<String, Object> adminProperties, SaslUsers users) {
        try (Admin admin = Admin.create(adminProperties)) {
            List<UserScramCredentialAlteration> changes = new ArrayList<>();
            for (UserScramCredentialsDescription existing : describe(admin).values()) {
                if (!users.passwords().containsKey(existing.name())) {
                    existing.credentialInfos().forEach(info ->
                            changes.add(new UserScramCredentialDeletion(existing.name(), info.mechanism())));
                }
            }
            users.passwords().forEach((name, password) -> changes.add(new UserScramCredentialUpsertion(name,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, ITERATIONS), password)));
            admin.alterUserScramCredentials(changes).all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            awaitVisible(admin, users.passwords().keySet());
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot set the SCRAM users " + users.names() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while setting the SCRAM users", e);
        }
    }

    private static Map<String, UserScramCredentialsDescription> describe(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeUserScramCredentials().all().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    /** The controller has committed the change; a client may log in once the broker has applied it too. */
    private static void awaitVisible(Admin admin, Set<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!describe(admin).keySet().containsAll(names)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("the broker did not show the SCRAM users within " + TIMEOUT.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
