package dev.vscan.model.config;

/** Shared argument checks whose messages name the config key. */
final class Checks {

    private Checks() {
    }

    static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }

    static void positive(String key, double value) {
        if (!(value > 0)) {
            throw new IllegalArgumentException(key + " must be positive, got " + value);
        }
    }
}
