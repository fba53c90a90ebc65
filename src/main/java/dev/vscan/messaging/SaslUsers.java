package dev.vscan.messaging;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The users a SASL listener of the embedded broker accepts, with their passwords. Each may log in with
 * PLAIN or SCRAM-SHA-256. {@link #toString()} names the users only, so the record can be logged.
 */
public record SaslUsers(Map<String, String> passwords) {

    public static final String PLAIN = "PLAIN";
    public static final String SCRAM_SHA_256 = "SCRAM-SHA-256";
    public static final List<String> MECHANISMS = List.of(PLAIN, SCRAM_SHA_256);

    /** The broker's own login on its SASL listener (inter-broker traffic, topic creation); not for clients. */
    static final String BROKER_USER = "vscan-broker";

    // SCRAM escapes ',' and '=' in names and JAAS quotes values: a plain alphabet needs neither.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._@-]+");

    public SaslUsers {
        if (passwords.isEmpty()) {
            throw new IllegalArgumentException("a SASL listener needs at least one user");
        }
        passwords.forEach(SaslUsers::check);
        passwords = Map.copyOf(passwords);
    }

    /** Users from {@code name:password} entries, the form of {@code --sasl-user} and vscan.kafka.embedded-sasl-users. */
    public static SaslUsers parse(Collection<String> entries) {
        Map<String, String> users = new LinkedHashMap<>();
        for (String entry : entries) {
            int colon = entry.indexOf(':');
            if (colon < 0) {
                // The entry may be a bare password: do not echo it.
                throw new IllegalArgumentException("a SASL user is given as name:password; one entry has no ':'");
            }
            String name = entry.substring(0, colon);
            if (users.put(name, entry.substring(colon + 1)) != null) {
                throw new IllegalArgumentException("SASL user '" + name + "' is given twice");
            }
        }
        return new SaslUsers(users);
    }

    public static SaslUsers of(String name, String password) {
        return new SaslUsers(Map.of(name, password));
    }

    public Set<String> names() {
        return new TreeSet<>(passwords.keySet());
    }

    /** What a Kafka client sets to log in to a SASL_PLAINTEXT listener as this user. */
    public Map<String, Object> clientProperties(String name, String mechanism) {
        String password = passwords.get(name);
        if (password == null) {
            throw new IllegalArgumentException("no SASL user '" + name + "'; the users are " + names());
        }
        return clientProperties(mechanism, name, password);
    }

    /** security.protocol, sasl.mechanism and sasl.jaas.config for a SASL_PLAINTEXT login with any credentials. */
    public static Map<String, Object> clientProperties(String mechanism, String name, String password) {
        String module = switch (mechanism) {
            case PLAIN -> "org.apache.kafka.common.security.plain.PlainLoginModule";
            case SCRAM_SHA_256 -> "org.apache.kafka.common.security.scram.ScramLoginModule";
            default -> throw new IllegalArgumentException("SASL mechanism '" + mechanism + "' is not offered; choose one of "
                    + MECHANISMS);
        };
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", mechanism,
                "sasl.jaas.config", module + " required username=\"" + name + "\" password=\"" + password + "\";");
    }

    /** The broker side of PLAIN: every user's password, and the broker's own login. */
    String plainBrokerJaasConfig(String brokerPassword) {
        StringBuilder jaas = new StringBuilder("org.apache.kafka.common.security.plain.PlainLoginModule required")
                .append(" username=\"").append(BROKER_USER).append("\" password=\"").append(brokerPassword).append('"')
                .append(" user_").append(BROKER_USER).append("=\"").append(brokerPassword).append('"');
        passwords.forEach((name, password) -> jaas.append(" user_").append(name).append("=\"").append(password).append('"'));
        return jaas.append(';').toString();
    }

    @Override
    public String toString() {
        return "SaslUsers" + names();
    }

    private static void check(String name, String password) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("SASL user name '" + name
                    + "' must be letters, digits and . _ @ - only, and not empty");
        }
        if (BROKER_USER.equals(name)) {
            throw new IllegalArgumentException("SASL user name '" + BROKER_USER + "' is the broker's own; choose another");
        }
        if (password.isEmpty()) {
            throw new IllegalArgumentException("SASL user '" + name + "' has an empty password");
        }
        if (password.chars().anyMatch(c -> c == '"' || c == '\\' || Character.isISOControl(c))) {
            throw new IllegalArgumentException("the password of SASL user '" + name
                    + "' may not contain a double quote, a backslash or a control character");
        }
    }
}
